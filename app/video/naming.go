package video

import (
	"fmt"
	"path"
	"strings"

	"github.com/ndnflow/ndnflow/ndn"
)

// Keyword components of the names a Publisher serves besides its files.
const (
	keywordCatalog = "catalog"
	keywordStreams = "streams"
)

// CatalogName returns /<prefix>/32=catalog, the name of a stream's catalog
// object.
func CatalogName(prefix ndn.Name) ndn.Name {
	return prefix.Append(ndn.KeywordComponent(keywordCatalog))
}

// StreamsName returns /<prefix>/32=streams, the name a gateway asks to list
// the streams under prefix.
func StreamsName(prefix ndn.Name) ndn.Name {
	return prefix.Append(ndn.KeywordComponent(keywordStreams))
}

// FileName returns the name of the file at rel (a slash-separated path
// relative to the stream directory) under prefix: one generic component per
// path element. It rejects absolute paths, "." and ".." elements and empty
// paths.
func FileName(prefix ndn.Name, rel string) (ndn.Name, error) {
	if rel == "" || strings.HasPrefix(rel, "/") {
		return ndn.Name{}, fmt.Errorf("video: file path %q must be relative", rel)
	}
	if path.Clean(rel) != rel {
		return ndn.Name{}, fmt.Errorf("video: file path %q is not clean", rel)
	}
	parts := strings.Split(rel, "/")
	comps := make([]ndn.Component, 0, len(parts))
	for _, p := range parts {
		if p == "" || p == "." || p == ".." {
			return ndn.Name{}, fmt.Errorf("video: file path %q has a %q element", rel, p)
		}
		comps = append(comps, ndn.GenericComponent(p))
	}
	return prefix.Append(comps...), nil
}

// RelPath is the inverse of FileName: the slash-separated path of name
// under prefix, if every component after prefix is a generic component
// that is a valid path element.
func RelPath(prefix, name ndn.Name) (string, bool) {
	if !prefix.IsPrefixOf(name) || name.Len() == prefix.Len() {
		return "", false
	}
	parts := make([]string, 0, name.Len()-prefix.Len())
	for i := prefix.Len(); i < name.Len(); i++ {
		c := name.At(i)
		s := string(c.Value)
		if c.Type != ndn.TtGenericNameComponent || s == "" || s == "." || s == ".." || strings.ContainsAny(s, "/\x00") {
			return "", false
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "/"), true
}

// ContentType returns the HTTP Content-Type of a file by its extension.
func ContentType(file string) string {
	switch strings.ToLower(path.Ext(file)) {
	case ".m3u8", ".m3u":
		return "application/vnd.apple.mpegurl"
	case ".mpd":
		return "application/dash+xml"
	case ".ts":
		return "video/mp2t"
	case ".m4s":
		return "video/iso.segment"
	case ".mp4", ".m4v", ".cmfv":
		return "video/mp4"
	case ".m4a", ".cmfa":
		return "audio/mp4"
	case ".aac":
		return "audio/aac"
	case ".vtt":
		return "text/vtt"
	case ".json":
		return "application/json"
	}
	return "application/octet-stream"
}

// IsPlaylist reports whether a file is an HLS playlist or a DASH manifest:
// objects that change in live streams and are published with a short
// FreshnessPeriod.
func IsPlaylist(file string) bool {
	switch strings.ToLower(path.Ext(file)) {
	case ".m3u8", ".m3u", ".mpd":
		return true
	}
	return false
}
