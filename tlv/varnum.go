package tlv

import (
	"encoding/binary"
	"math"
)

// VarNumLen returns the size in octets of the minimal VAR-NUMBER encoding of v: 1, 3, 5 or 9.
func VarNumLen(v uint64) int {
	switch {
	case v < 0xFD:
		return 1
	case v <= math.MaxUint16:
		return 3
	case v <= math.MaxUint32:
		return 5
	default:
		return 9
	}
}

// AppendVarNum appends the minimal VAR-NUMBER encoding of v to dst.
func AppendVarNum(dst []byte, v uint64) []byte {
	switch {
	case v < 0xFD:
		return append(dst, byte(v))
	case v <= math.MaxUint16:
		return append(dst, 0xFD, byte(v>>8), byte(v))
	case v <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(dst, 0xFE), uint32(v))
	default:
		return binary.BigEndian.AppendUint64(append(dst, 0xFF), v)
	}
}

// ReadVarNum decodes the VAR-NUMBER at the start of b and returns its value
// and size. Like ndn-cxx and NDNts it accepts non-minimal encodings.
func ReadVarNum(b []byte) (v uint64, n int, err error) {
	if len(b) == 0 {
		return 0, 0, ErrTruncated
	}
	switch b[0] {
	case 0xFD:
		if len(b) < 3 {
			return 0, 0, ErrTruncated
		}
		return uint64(binary.BigEndian.Uint16(b[1:])), 3, nil
	case 0xFE:
		if len(b) < 5 {
			return 0, 0, ErrTruncated
		}
		return uint64(binary.BigEndian.Uint32(b[1:])), 5, nil
	case 0xFF:
		if len(b) < 9 {
			return 0, 0, ErrTruncated
		}
		return binary.BigEndian.Uint64(b[1:]), 9, nil
	default:
		return uint64(b[0]), 1, nil
	}
}

// NNILen returns the size in octets of the shortest NonNegativeInteger
// encoding of v: 1, 2, 4 or 8.
func NNILen(v uint64) int {
	switch {
	case v <= math.MaxUint8:
		return 1
	case v <= math.MaxUint16:
		return 2
	case v <= math.MaxUint32:
		return 4
	default:
		return 8
	}
}

// AppendNNI appends the shortest NonNegativeInteger encoding of v (no TLV-TYPE
// or TLV-LENGTH) to dst.
func AppendNNI(dst []byte, v uint64) []byte {
	switch {
	case v <= math.MaxUint8:
		return append(dst, byte(v))
	case v <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(dst, uint16(v))
	case v <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(dst, uint32(v))
	default:
		return binary.BigEndian.AppendUint64(dst, v)
	}
}

// DecodeNNI decodes a NonNegativeInteger TLV-VALUE. It returns ErrNNI unless
// len(b) is 1, 2, 4 or 8.
func DecodeNNI(b []byte) (uint64, error) {
	switch len(b) {
	case 1:
		return uint64(b[0]), nil
	case 2:
		return uint64(binary.BigEndian.Uint16(b)), nil
	case 4:
		return uint64(binary.BigEndian.Uint32(b)), nil
	case 8:
		return binary.BigEndian.Uint64(b), nil
	default:
		return 0, ErrNNI
	}
}

// IsCritical reports whether an unrecognized element of type t must abort
// decoding (ndn-protocols.md §1.3): types 0-31 and every odd type are critical.
func IsCritical(t uint32) bool {
	return t <= 31 || t&1 == 1
}
