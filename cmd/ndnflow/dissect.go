package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/tlv"
)

// newDissectCmd builds `ndnflow dissect`, which prints the TLV element tree
// of NDN packets, like ndn-tools' ndn-dissect (docs/dissect.md).
func newDissectCmd() *cobra.Command {
	var hexInput, jsonOutput bool
	cmd := &cobra.Command{
		Use:   "dissect [FILE]",
		Short: "Print the TLV structure of NDN packets",
		Long: `Dissect reads NDN-TLV from FILE, or from standard input when FILE is absent
or "-", and prints each top-level element as a tree: element names, TLV-TYPE
numbers, lengths and values. Names are printed as URIs, NonNegativeIntegers as
numbers and other values as hex. The input may hold many packets back to back
(a stream capture); each is dissected in turn. Fragments and prefix
announcements that hold a whole packet are dissected as nested packets.

A malformed element is printed as far as it could be decoded, followed by an
error naming its byte offset in the input, and the command exits with status 1.`,
		Example: `  ndnflow dissect packet.bin
  echo "0507 0703 080141 0a04 01020304" | ndnflow dissect --hex
  ndnflow dissect --json capture.bin | jq .name`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := cmd.InOrStdin()
			if len(args) == 1 && args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				in = f
			}
			raw, err := io.ReadAll(in)
			if err != nil {
				return err
			}
			if hexInput {
				if raw, err = decodeHexInput(raw); err != nil {
					return err
				}
			}
			return dissect(cmd.OutOrStdout(), raw, jsonOutput)
		},
	}
	cmd.Flags().BoolVar(&hexInput, "hex", false, "the input is hexadecimal text (whitespace is ignored)")
	cmd.Flags().BoolVar(&jsonOutput, "json", false, "print one JSON object per top-level element")
	return cmd
}

// decodeHexInput decodes hex text, ignoring all whitespace.
func decodeHexInput(text []byte) ([]byte, error) {
	compact := bytes.Join(bytes.Fields(text), nil)
	out := make([]byte, hex.DecodedLen(len(compact)))
	if _, err := hex.Decode(out, compact); err != nil {
		return nil, fmt.Errorf("--hex input: %w", err)
	}
	return out, nil
}

// dissect prints every top-level element of b. Each element is printed even
// when it is malformed; the first error ends the stream.
func dissect(w io.Writer, b []byte, asJSON bool) error {
	for off := 0; off < len(b); {
		n, size, err := parseElement(b[off:], off, ctxTop)
		if n != nil {
			if asJSON {
				line, jerr := json.Marshal(n.toJSON())
				if jerr != nil {
					return jerr
				}
				if _, werr := fmt.Fprintf(w, "%s\n", line); werr != nil {
					return werr
				}
			} else if werr := n.printText(w, 0); werr != nil {
				return werr
			}
		}
		if err != nil {
			return err
		}
		off += size
	}
	return nil
}

// dissectError is a decoding error at a byte offset of the input.
type dissectError struct {
	offset int
	msg    string
}

func (e *dissectError) Error() string {
	return fmt.Sprintf("malformed TLV at offset %d: %s", e.offset, e.msg)
}

// tlvContext says how to interpret TLV-TYPE numbers: they mean different things
// inside different elements.
type tlvContext int

const (
	ctxTop tlvContext = iota
	ctxUnknown
	ctxInterest
	ctxData
	ctxLp
	ctxName
	ctxFwHint
	ctxDelegation
	ctxMeta
	ctxFinalBlock
	ctxSigInfo
	ctxKeyLocator
	ctxValidity
	ctxAddDesc
	ctxDescEntry
	ctxNack
	ctxCachePolicy
)

// kind says how to print an element.
type kind int

const (
	kHex       kind = iota // leaf, value in hex
	kNNI                   // leaf NonNegativeInteger
	kFixed                 // leaf big-endian number of fixed width (HopLimit, Sequence)
	kText                  // leaf printable text (ValidityPeriod times)
	kComponent             // leaf name component, printed as URI
	kContainer             // elements inside, interpreted in the element's own tlvContext
	kName                  // a Name: components inside, printed as URI
	kNested                // a whole packet inside, if it parses as one
)

type elemInfo struct {
	name string
	kind kind
	ctx  tlvContext // for kContainer
}

// lookup returns how to show type t inside ctx.
func lookup(ctx tlvContext, t uint64) elemInfo {
	if ctx == ctxName || ctx == ctxFinalBlock {
		return elemInfo{componentTypeName(t), kComponent, 0}
	}
	if t == ndn.TtName {
		switch ctx {
		case ctxTop, ctxInterest, ctxData, ctxFwHint, ctxDelegation, ctxKeyLocator:
			return elemInfo{"Name", kName, ctxName}
		}
	}
	switch ctx {
	case ctxTop:
		switch t {
		case ndn.TtInterest:
			return elemInfo{"Interest", kContainer, ctxInterest}
		case ndn.TtData:
			return elemInfo{"Data", kContainer, ctxData}
		case ndn.TtLpPacket:
			return elemInfo{"LpPacket", kContainer, ctxLp}
		case ndn.TtSignatureInfo: // pieces that tools and tests handle on their own
			return elemInfo{"SignatureInfo", kContainer, ctxSigInfo}
		case ndn.TtInterestSignatureInfo:
			return elemInfo{"InterestSignatureInfo", kContainer, ctxSigInfo}
		case ndn.TtValidityPeriod:
			return elemInfo{"ValidityPeriod", kContainer, ctxValidity}
		}
	case ctxInterest:
		switch t {
		case ndn.TtCanBePrefix:
			return elemInfo{"CanBePrefix", kHex, 0}
		case ndn.TtMustBeFresh:
			return elemInfo{"MustBeFresh", kHex, 0}
		case ndn.TtForwardingHint:
			return elemInfo{"ForwardingHint", kContainer, ctxFwHint}
		case ndn.TtNonce:
			return elemInfo{"Nonce", kHex, 0}
		case ndn.TtInterestLifetime:
			return elemInfo{"InterestLifetime", kNNI, 0}
		case ndn.TtHopLimit:
			return elemInfo{"HopLimit", kFixed, 0}
		case ndn.TtApplicationParameters:
			return elemInfo{"ApplicationParameters", kHex, 0}
		case ndn.TtInterestSignatureInfo:
			return elemInfo{"InterestSignatureInfo", kContainer, ctxSigInfo}
		case ndn.TtInterestSignatureValue:
			return elemInfo{"InterestSignatureValue", kHex, 0}
		}
	case ctxFwHint:
		if t == ndn.TtDelegation {
			return elemInfo{"Delegation", kContainer, ctxDelegation}
		}
	case ctxDelegation:
		if t == 0x1E {
			return elemInfo{"Preference", kNNI, 0}
		}
	case ctxData:
		switch t {
		case ndn.TtMetaInfo:
			return elemInfo{"MetaInfo", kContainer, ctxMeta}
		case ndn.TtContent:
			return elemInfo{"Content", kHex, 0}
		case ndn.TtSignatureInfo:
			return elemInfo{"SignatureInfo", kContainer, ctxSigInfo}
		case ndn.TtSignatureValue:
			return elemInfo{"SignatureValue", kHex, 0}
		}
	case ctxMeta:
		switch t {
		case ndn.TtContentType:
			return elemInfo{"ContentType", kNNI, 0}
		case ndn.TtFreshnessPeriod:
			return elemInfo{"FreshnessPeriod", kNNI, 0}
		case ndn.TtFinalBlockID:
			return elemInfo{"FinalBlockId", kContainer, ctxFinalBlock}
		}
	case ctxSigInfo:
		switch t {
		case ndn.TtSignatureType:
			return elemInfo{"SignatureType", kNNI, 0}
		case ndn.TtKeyLocator:
			return elemInfo{"KeyLocator", kContainer, ctxKeyLocator}
		case ndn.TtSignatureNonce:
			return elemInfo{"SignatureNonce", kHex, 0}
		case ndn.TtSignatureTime:
			return elemInfo{"SignatureTime", kNNI, 0}
		case ndn.TtSignatureSeqNum:
			return elemInfo{"SignatureSeqNum", kNNI, 0}
		case ndn.TtValidityPeriod:
			return elemInfo{"ValidityPeriod", kContainer, ctxValidity}
		case ndn.TtAdditionalDescription:
			return elemInfo{"AdditionalDescription", kContainer, ctxAddDesc}
		}
	case ctxKeyLocator:
		if t == ndn.TtKeyDigest {
			return elemInfo{"KeyDigest", kHex, 0}
		}
	case ctxValidity:
		switch t {
		case ndn.TtNotBefore:
			return elemInfo{"NotBefore", kText, 0}
		case ndn.TtNotAfter:
			return elemInfo{"NotAfter", kText, 0}
		}
	case ctxAddDesc:
		if t == ndn.TtDescriptionEntry {
			return elemInfo{"DescriptionEntry", kContainer, ctxDescEntry}
		}
	case ctxDescEntry:
		switch t {
		case ndn.TtDescriptionKey:
			return elemInfo{"DescriptionKey", kText, 0}
		case ndn.TtDescriptionValue:
			return elemInfo{"DescriptionValue", kText, 0}
		}
	case ctxLp:
		switch t {
		case ndn.TtFragment:
			return elemInfo{"Fragment", kNested, 0}
		case ndn.TtSequence:
			return elemInfo{"Sequence", kFixed, 0}
		case ndn.TtFragIndex:
			return elemInfo{"FragIndex", kNNI, 0}
		case ndn.TtFragCount:
			return elemInfo{"FragCount", kNNI, 0}
		case ndn.TtPitToken:
			return elemInfo{"PitToken", kHex, 0}
		case ndn.TtNack:
			return elemInfo{"Nack", kContainer, ctxNack}
		case ndn.TtIncomingFaceID:
			return elemInfo{"IncomingFaceId", kNNI, 0}
		case ndn.TtNextHopFaceID:
			return elemInfo{"NextHopFaceId", kNNI, 0}
		case ndn.TtCachePolicy:
			return elemInfo{"CachePolicy", kContainer, ctxCachePolicy}
		case ndn.TtCongestionMark:
			return elemInfo{"CongestionMark", kNNI, 0}
		case ndn.TtAck:
			return elemInfo{"Ack", kFixed, 0}
		case ndn.TtTxSequence:
			return elemInfo{"TxSequence", kFixed, 0}
		case ndn.TtNonDiscovery:
			return elemInfo{"NonDiscovery", kHex, 0}
		case ndn.TtPrefixAnnouncement:
			return elemInfo{"PrefixAnnouncement", kNested, 0}
		}
	case ctxNack:
		if t == ndn.TtNackReason {
			return elemInfo{"NackReason", kNNI, 0}
		}
	case ctxCachePolicy:
		if t == ndn.TtCachePolicyType {
			return elemInfo{"CachePolicyType", kNNI, 0}
		}
	}
	return elemInfo{"Unknown", kHex, 0}
}

func componentTypeName(t uint64) string {
	switch t {
	case ndn.TtImplicitSha256DigestComponent:
		return "ImplicitSha256DigestComponent"
	case ndn.TtParametersSha256DigestComponent:
		return "ParametersSha256DigestComponent"
	case ndn.TtGenericNameComponent:
		return "GenericNameComponent"
	case ndn.TtKeywordNameComponent:
		return "KeywordNameComponent"
	case ndn.TtSegmentNameComponent:
		return "SegmentNameComponent"
	case ndn.TtByteOffsetNameComponent:
		return "ByteOffsetNameComponent"
	case ndn.TtVersionNameComponent:
		return "VersionNameComponent"
	case ndn.TtTimestampNameComponent:
		return "TimestampNameComponent"
	case ndn.TtSequenceNumNameComponent:
		return "SequenceNumNameComponent"
	}
	return "NameComponent"
}

// dnode is one dissected element.
type dnode struct {
	typ       uint64
	name      string
	offset    int // of the TLV-TYPE in the input
	length    int // TLV-LENGTH as written
	container bool
	children  []*dnode
	value     []byte // of a leaf; may be short when truncated
	truncated bool
	uri       string
	number    uint64
	hasNumber bool
	text      string
	hasText   bool
}

// parseElement dissects the element at the start of b, which sits at offset
// base of the input. It returns the node (nil only if not even the TLV-TYPE
// and TLV-LENGTH could be read), the element's size, and the first error.
func parseElement(b []byte, base int, ctx tlvContext) (*dnode, int, error) {
	t, tn, err := tlv.ReadVarNum(b)
	if err != nil {
		return nil, 0, &dissectError{base, "TLV-TYPE: " + err.Error()}
	}
	if t == 0 || t > math.MaxUint32 {
		return nil, 0, &dissectError{base, fmt.Sprintf("TLV-TYPE %d is outside [1, 2^32-1]", t)}
	}
	l, ln, err := tlv.ReadVarNum(b[tn:])
	if err != nil {
		return nil, 0, &dissectError{base + tn, "TLV-LENGTH: " + err.Error()}
	}
	info := lookup(ctx, t)
	h := tn + ln
	value := b[h:]
	n := &dnode{typ: t, name: info.name, offset: base, length: int(min(l, math.MaxInt32))}
	var outer error
	if l > uint64(len(value)) {
		n.truncated = true
		outer = &dissectError{base, fmt.Sprintf("%s (%d) has TLV-LENGTH %d but only %d octets remain",
			info.name, t, l, len(value))}
	} else {
		value = value[:l]
	}

	switch info.kind {
	case kContainer, kName:
		n.container = true
		var inner error
		n.children, inner = parseSeq(value, base+h, info.ctx)
		if info.kind == kName && inner == nil && outer == nil {
			if name, err := ndn.NameFromValue(value); err == nil {
				n.uri = name.String()
			}
		}
		if outer == nil {
			outer = inner
		}
	case kNested:
		if nested, ok := parseNested(value, base+h); ok && outer == nil {
			n.container, n.children = true, nested
			break
		}
		n.value = value
	default:
		n.value = value
		if outer == nil {
			n.describeLeaf(info.kind)
		}
	}
	return n, h + len(value), outer
}

// parseSeq dissects consecutive elements.
func parseSeq(b []byte, base int, ctx tlvContext) ([]*dnode, error) {
	var out []*dnode
	for off := 0; off < len(b); {
		n, size, err := parseElement(b[off:], base+off, ctx)
		if n != nil {
			out = append(out, n)
		}
		if err != nil {
			return out, err
		}
		off += size
	}
	return out, nil
}

// parseNested dissects v as one whole packet, if it is one: slices of a
// fragmented packet are left as hex.
func parseNested(v []byte, base int) ([]*dnode, bool) {
	e, err := tlv.Decode(v)
	if err != nil || (e.Type != ndn.TtInterest && e.Type != ndn.TtData && e.Type != ndn.TtLpPacket) {
		return nil, false
	}
	nodes, err := parseSeq(v, base, ctxTop)
	return nodes, err == nil
}

// describeLeaf fills the number, URI or text of a leaf whose value is complete.
func (n *dnode) describeLeaf(k kind) {
	switch k {
	case kNNI:
		if v, err := tlv.DecodeNNI(n.value); err == nil {
			n.number, n.hasNumber = v, true
		}
	case kFixed:
		if len(n.value) >= 1 && len(n.value) <= 8 {
			var v uint64
			for _, b := range n.value {
				v = v<<8 | uint64(b)
			}
			n.number, n.hasNumber = v, true
		}
	case kText:
		n.text, n.hasText = string(n.value), true
	case kComponent:
		if n.typ <= math.MaxUint16 {
			c := ndn.Component{Type: uint16(n.typ), Value: n.value}
			if c.IsValid() {
				n.uri = c.String()
				if n.typ >= ndn.TtSegmentNameComponent && n.typ <= ndn.TtSequenceNumNameComponent {
					n.number, n.hasNumber = c.Number()
				}
			}
		}
	}
}

func (n *dnode) printText(w io.Writer, depth int) error {
	var sb strings.Builder
	sb.WriteString(strings.Repeat("  ", depth))
	fmt.Fprintf(&sb, "%s (%d) length %d", n.name, n.typ, n.length)
	if n.truncated {
		fmt.Fprintf(&sb, " (truncated)")
	}
	switch {
	case n.uri != "":
		sb.WriteString(": " + n.uri)
	case n.hasNumber:
		fmt.Fprintf(&sb, ": %d", n.number)
	case n.hasText:
		fmt.Fprintf(&sb, ": %q", n.text)
	case !n.container && len(n.value) > 0:
		sb.WriteString(": " + hex.EncodeToString(n.value))
	}
	sb.WriteByte('\n')
	if _, err := io.WriteString(w, sb.String()); err != nil {
		return err
	}
	for _, c := range n.children {
		if err := c.printText(w, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// jsonNode is the --json form of one element: containers have children,
// leaves a value, and either may have a URI, a number or text.
type jsonNode struct {
	Type     uint64      `json:"type"`
	Name     string      `json:"name"`
	Length   int         `json:"length"`
	Children *[]jsonNode `json:"children,omitempty"`
	Value    *string     `json:"value,omitempty"`
	URI      string      `json:"uri,omitempty"`
	Number   *uint64     `json:"number,omitempty"`
	Text     *string     `json:"text,omitempty"`
}

func (n *dnode) toJSON() jsonNode {
	j := jsonNode{Type: n.typ, Name: n.name, Length: n.length, URI: n.uri}
	if n.container {
		children := make([]jsonNode, 0, len(n.children))
		for _, c := range n.children {
			children = append(children, c.toJSON())
		}
		j.Children = &children
	} else {
		v := hex.EncodeToString(n.value)
		j.Value = &v
	}
	if n.hasNumber {
		j.Number = &n.number
	}
	if n.hasText {
		j.Text = &n.text
	}
	return j
}
