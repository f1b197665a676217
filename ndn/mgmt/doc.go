// Package mgmt encodes and decodes the NFD management protocol
// (ndn-protocols.md §4): ControlParameters, ControlResponse, the status
// dataset items, the per-command validation table, command Interest names,
// Prefix Announcement objects, FaceUris and dataset segmentation. It is used by
// the forwarder's management server and by clients such as `ndnflow ctl`.
//
// Key types and functions:
//   - [ControlParameters] (0x68) and [ControlResponse] (0x65);
//   - the dataset items [ForwarderStatus], [FaceStatus], [ChannelStatus],
//     [FibEntry], [RibEntry], [StrategyChoice], [CsInfo],
//     [FaceEventNotification] and the [FaceQueryFilter], with Decode*List
//     helpers that split a reassembled dataset into items;
//   - [Command] with [Validate], [ApplyDefaults] and [Command.ResponseParams];
//   - [CommandName] and [ParseCommand] for command Interest names;
//   - [PrefixAnn] for Prefix Announcement objects;
//   - [ParseFaceURI] and [FaceURI];
//   - [Segment], [DatasetData] and [Assembler] for status datasets.
//
// Numbering follows NFD and ndn-cxx, not NDNts: FacePersistency 0 is
// persistent and 1 is on-demand. Encoders write fields in the order ndn-cxx
// writes them; the dataset item decoders require that order (as ndn-cxx
// does), while the ControlParameters decoder accepts any order and ignores
// unknown elements (as NDNts does).
//
// Decoded [ndn.Name] fields alias the input buffer; strings are copies.
// Values are plain structs: not safe for concurrent mutation, safe to read
// from several goroutines once built. The package holds no state.
package mgmt
