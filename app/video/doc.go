// Package video publishes HLS and DASH streams as named data and serves them
// to ordinary HTTP players through a gateway.
//
// Naming (docs/video.md): every file of a packaged stream becomes a
// versioned, segmented, signed object
//
//	/<prefix>/<file path components>/v=<version>/seg=<n>
//
// whose newest version a consumer finds through RDR metadata
// (/<prefix>/<file path>/32=metadata), so a player that asks for
// master.m3u8 by name gets the newest playlist. Two more names are served:
// /<prefix>/32=catalog (a JSON object listing every file, version and size,
// also the index a persistent store is reopened from) and
// <prefix or its parent>/32=streams (one Data listing the playable entry
// points, read by the gateway's player page).
//
// Key types:
//   - [Publisher] serves one stream prefix from memory or an on-disk store:
//     [Publisher.PublishDir] for video on demand, [Publisher.Watch] for live
//     directories (a packager writing segments and rewriting playlists).
//   - [Gateway] is an http.Handler that fetches named objects over NDN and
//     streams them to HTTP clients, sharing concurrent fetches and keeping a
//     small cache; it also serves a player page with hls.js.
//   - [Key] is an AES-256-GCM content key; published objects are then
//     sequences of sealed records, one per Data segment, so forwarders cache
//     ciphertext only.
//   - [Package] runs ffmpeg to turn a media file into multi-rendition HLS.
package video
