package tlv

// TLLen returns the size of the TLV-TYPE and TLV-LENGTH of an element of type
// t with a value of length l.
func TLLen(t uint32, l int) int {
	return VarNumLen(uint64(t)) + VarNumLen(uint64(l))
}

// ElementLen returns the size of a whole element of type t with a value of length l.
func ElementLen(t uint32, l int) int {
	return TLLen(t, l) + l
}

// AppendTL appends the TLV-TYPE t and TLV-LENGTH l to dst.
func AppendTL(dst []byte, t uint32, l int) []byte {
	return AppendVarNum(AppendVarNum(dst, uint64(t)), uint64(l))
}

// AppendElement appends an element of type t with value v to dst.
func AppendElement(dst []byte, t uint32, v []byte) []byte {
	return append(AppendTL(dst, t, len(v)), v...)
}

// NNIElementLen returns the size of an element of type t holding the NonNegativeInteger v.
func NNIElementLen(t uint32, v uint64) int {
	return ElementLen(t, NNILen(v))
}

// AppendNNIElement appends an element of type t holding the NonNegativeInteger v.
func AppendNNIElement(dst []byte, t uint32, v uint64) []byte {
	return AppendNNI(AppendTL(dst, t, NNILen(v)), v)
}

// Field is anything that can size and append itself as TLV.
// Packet types in package ndn implement it.
type Field interface {
	// Length returns the number of bytes Append would add.
	Length() int
	// Append appends the encoding to dst and returns the extended slice.
	Append(dst []byte) []byte
}

// Encode returns the encoding of f in a new slice of exactly the right size.
func Encode(f Field) []byte {
	return f.Append(make([]byte, 0, f.Length()))
}
