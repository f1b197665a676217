package mgmt

import (
	"fmt"
	"iter"

	"github.com/ndnflow/ndnflow/tlv"
)

// Item is the pointer type of a dataset item that decodes itself from one
// element: *FaceStatus, *ChannelStatus, *FibEntry, *RibEntry,
// *StrategyChoice, *CsInfo, *FaceEventNotification.
type Item[T any] interface {
	*T
	Decode(wire []byte) error
}

// Items iterates over the elements of a reassembled dataset payload (the
// concatenated Content of all segments, where an item may have been split
// across segments). It yields each element's wire; on a framing error it
// yields the error once and stops.
func Items(payload []byte) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		d := tlv.NewDecoder(payload)
		for d.Next() {
			if !yield(d.Element().Wire, nil) {
				return
			}
		}
		if err := d.Err(); err != nil {
			yield(nil, fmt.Errorf("dataset item %d bytes in: %w", d.Offset(), err))
		}
	}
}

// DecodeList decodes every item of a reassembled dataset payload, for
// example DecodeList[FaceStatus](payload). An element of another type than
// the item's is an error, as in ndn-cxx. Names in the items alias payload.
func DecodeList[T any, P Item[T]](payload []byte) ([]T, error) {
	var out []T
	for wire, err := range Items(payload) {
		if err != nil {
			return out, err
		}
		var item T
		if err := P(&item).Decode(wire); err != nil {
			return out, fmt.Errorf("dataset item %d: %w", len(out), err)
		}
		out = append(out, item)
	}
	return out, nil
}

// AppendList appends the encoding of every item to dst: a dataset payload
// ready for Segment.
func AppendList[T any, P interface {
	*T
	tlv.Field
}](dst []byte, items []T) []byte {
	for i := range items {
		dst = P(&items[i]).Append(dst)
	}
	return dst
}

// DecodeFaceStatusList decodes a faces/list or faces/query payload.
func DecodeFaceStatusList(payload []byte) ([]FaceStatus, error) {
	return DecodeList[FaceStatus](payload)
}

// DecodeChannelStatusList decodes a faces/channels payload.
func DecodeChannelStatusList(payload []byte) ([]ChannelStatus, error) {
	return DecodeList[ChannelStatus](payload)
}

// DecodeFibEntryList decodes a fib/list payload.
func DecodeFibEntryList(payload []byte) ([]FibEntry, error) {
	return DecodeList[FibEntry](payload)
}

// DecodeRibEntryList decodes a rib/list payload.
func DecodeRibEntryList(payload []byte) ([]RibEntry, error) {
	return DecodeList[RibEntry](payload)
}

// DecodeStrategyChoiceList decodes a strategy-choice/list payload.
func DecodeStrategyChoiceList(payload []byte) ([]StrategyChoice, error) {
	return DecodeList[StrategyChoice](payload)
}
