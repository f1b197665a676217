package ndntestvector

// Shared pieces of several vectors.
const (
	// NameLocalNdnPrefix is the Name /local/ndn/prefix (I1-I6, D2, D3).
	NameLocalNdnPrefix = `0714 08056c6f63616c 08036e646e 0806707265666978`
	// I1Hex is vector I1, also the Fragment of L2.
	I1Hex = `051c 0714 08056c6f63616c 08036e646e 0806707265666978 // Name /local/ndn/prefix
	         0a04 01020304                                       // Nonce`
	// D1Hex is vector D1, also the Fragment of L5.
	D1Hex = `0630 0703 080145                                       // Name /E
	         1400                                                  // MetaInfo (empty)
	         1500                                                  // Content (empty)
	         1603 1b0100                                           // SignatureInfo: DigestSha256
	         1720 f965ee682c6973c3cbaa7b69e4c7063680f83be93a46be2ccc98686134354b66`
)

// Interest is an Interest vector and the fields a decoder must find.
type Interest struct {
	ID, Source, Hex string
	// Name is the Name in alternate URI form.
	Name                     string
	CanBePrefix, MustBeFresh bool
	// ForwardingHint lists delegation names as URIs.
	ForwardingHint []string
	Nonce          uint32
	HasNonce       bool
	// LifetimeMs is the InterestLifetime; 0 means the element is absent.
	LifetimeMs uint64
	// HopLimit is the HopLimit; -1 means absent.
	HopLimit int
	// AppParams is the ApplicationParameters value in hex.
	AppParams    string
	HasAppParams bool
	// SigType is the InterestSignatureInfo's SignatureType; -1 means unsigned.
	SigType int
	// SigNonce and SigValue are hex; SigValueValid tells whether SigValue
	// is the real DigestSha256 of the signed portion (not a placeholder).
	SigNonce, SigValue string
	SigValueValid      bool
	// ReEncodes tells whether encoding the decoded fields must give back
	// exactly Hex (false when the vector holds elements the model drops).
	ReEncodes bool
}

// Interests are the Interest vectors of ndn-protocols.md §6.1.
var Interests = []Interest{
	{
		ID: "I1", Source: "ndn-cxx interest.t.cpp Encode/Basic", Hex: I1Hex,
		Name: "/local/ndn/prefix", Nonce: 0x01020304, HasNonce: true, HopLimit: -1, SigType: -1, ReEncodes: true,
	},
	{
		ID: "I2", Source: "ndn-cxx interest.t.cpp WithParameters",
		Hex: `0544 0736 08056c6f63616c 08036e646e 0806707265666978
		               0220 ff9100e04eaadcf30674d98026a051ba25f56b69bfa026dcccd72c6ea0f7315a // params-sha256
		          0a04 00000001                                                              // Nonce
		          2404 c0c1c2c3                                                              // ApplicationParameters`,
		Name:  "/local/ndn/prefix/params-sha256=ff9100e04eaadcf30674d98026a051ba25f56b69bfa026dcccd72c6ea0f7315a",
		Nonce: 1, HasNonce: true, HopLimit: -1, AppParams: "c0c1c2c3", HasAppParams: true, SigType: -1, ReEncodes: true,
	},
	{
		ID: "I3", Source: "ndn-cxx interest.t.cpp Full",
		Hex: `0556 0736 08056c6f63616c 08036e646e 0806707265666978
		               0220 ff9100e04eaadcf30674d98026a051ba25f56b69bfa026dcccd72c6ea0f7315a
		          2100                 // CanBePrefix
		          1200                 // MustBeFresh
		          1e05 (0703 080148)   // ForwardingHint /H
		          0a04 4c1ecb4a        // Nonce
		          0c02 76a1            // InterestLifetime 30369
		          2201 dc              // HopLimit 220
		          2404 c0c1c2c3        // ApplicationParameters`,
		Name:        "/local/ndn/prefix/params-sha256=ff9100e04eaadcf30674d98026a051ba25f56b69bfa026dcccd72c6ea0f7315a",
		CanBePrefix: true, MustBeFresh: true, ForwardingHint: []string{"/H"},
		Nonce: 0x4c1ecb4a, HasNonce: true, LifetimeMs: 30369, HopLimit: 220,
		AppParams: "c0c1c2c3", HasAppParams: true, SigType: -1, ReEncodes: true,
	},
	{
		ID: "I4", Source: "python-ndn ndn_format_0_3_test.py test_signed_interest",
		Hex: `056f 0736 08056c6f63616c 08036e646e 0806707265666978
		               0220 8e6e36d7eabcde43756140c90bda09d500d2a577f2f533b569f0441df0a7f9e2
		          0a04 6c211166        // Nonce
		          0c02 0fa0            // InterestLifetime 4000
		          2404 01020304        // ApplicationParameters
		          2c03 1b0100          // InterestSignatureInfo: DigestSha256
		          2e20 eaa8f099086378951de05ff1debbc118b5218b2fcaa0b51d18fabc29f54d58ff`,
		Name:  "/local/ndn/prefix/params-sha256=8e6e36d7eabcde43756140c90bda09d500d2a577f2f533b569f0441df0a7f9e2",
		Nonce: 0x6c211166, HasNonce: true, LifetimeMs: 4000, HopLimit: -1,
		AppParams: "01020304", HasAppParams: true, SigType: 0,
		SigValue: "eaa8f099086378951de05ff1debbc118b5218b2fcaa0b51d18fabc29f54d58ff", SigValueValid: true, ReEncodes: true,
	},
	{
		ID: "I5", Source: "python-ndn ndn_format_0_3_test.py test_signed_interest (empty parameters)",
		Hex: `056b 0736 08056c6f63616c 08036e646e 0806707265666978
		               0220 4077a57049d83848b525a423ab978e6480f96d5ca38a80a5e2d6e250a617be4f
		          0a04 6c211166 0c02 0fa0
		          2400                 // empty ApplicationParameters
		          2c03 1b0100
		          2e20 094e009d7459825ca02daab7ad6048303919d8998025beffa6f99679d65e9f62`,
		Name:  "/local/ndn/prefix/params-sha256=4077a57049d83848b525a423ab978e6480f96d5ca38a80a5e2d6e250a617be4f",
		Nonce: 0x6c211166, HasNonce: true, LifetimeMs: 4000, HopLimit: -1,
		HasAppParams: true, SigType: 0,
		SigValue: "094e009d7459825ca02daab7ad6048303919d8998025beffa6f99679d65e9f62", SigValueValid: true, ReEncodes: true,
	},
	{
		ID: "I6", Source: "ndn-cxx interest.t.cpp Signed (placeholder SignatureValue)",
		Hex: `0577 0736 08056c6f63616c 08036e646e 0806707265666978
		               0220 6f29586053ee9fccd8a422122925287c0a18435f4074c40abb0d5b30e4aa6220
		          1200 0a04 4c1ecb4a
		          2404 c0c1c2c3
		          2c0d 1b0100 2608 0102030405060708   // SignatureNonce
		          2e20 12471ae0f8723ac1156c370a38711ebebf2817de9b2dd94e9b7e62f117b876c1`,
		Name:        "/local/ndn/prefix/params-sha256=6f29586053ee9fccd8a422122925287c0a18435f4074c40abb0d5b30e4aa6220",
		MustBeFresh: true, Nonce: 0x4c1ecb4a, HasNonce: true, HopLimit: -1,
		AppParams: "c0c1c2c3", HasAppParams: true, SigType: 0, SigNonce: "0102030405060708",
		SigValue: "12471ae0f8723ac1156c370a38711ebebf2817de9b2dd94e9b7e62f117b876c1", ReEncodes: true,
	},
	{
		ID: "I6b", Source: "ndn-cxx interest.t.cpp SignedApplicationElements (digest covers trailing elements)",
		Hex: `058f 0736 08056c6f63616c 08036e646e 0806707265666978
		               0220 bc3630a4d65e0db5483dfa0d28b3312fcac1d441ec8961d4175e61751778108e
		          1200 0a04 4c1ecb4a
		          2404 c0c1c2c3
		          fd01fe 08 1020304050607080          // unknown non-critical type 510
		          2c0d 1b0100 2608 0102030405060708
		          2e20 12471ae0f8723ac1156c370a38711ebebf2817de9b2dd94e9b7e62f117b876c1
		          fd0200 08 1122334455667788          // unknown non-critical type 512`,
		Name:        "/local/ndn/prefix/params-sha256=bc3630a4d65e0db5483dfa0d28b3312fcac1d441ec8961d4175e61751778108e",
		MustBeFresh: true, Nonce: 0x4c1ecb4a, HasNonce: true, HopLimit: -1,
		AppParams: "c0c1c2c3", HasAppParams: true, SigType: 0, SigNonce: "0102030405060708",
		SigValue: "12471ae0f8723ac1156c370a38711ebebf2817de9b2dd94e9b7e62f117b876c1",
	},
	{
		ID: "I7", Source: "ndn-cxx interest.t.cpp FullWithoutParameters (legacy Delegation, unknown FC00)",
		Hex: `0531 0703 080149
		          fc00 2100 fc00 1200 fc00
		          1e0b (1f09 1e023e15 0703080148)     // legacy ForwardingHint Delegation
		          fc00 0a04 4acb1e4c fc00 0c02 76a1 fc00 2201 d6 fc00`,
		Name: "/I", CanBePrefix: true, MustBeFresh: true, ForwardingHint: []string{"/H"},
		Nonce: 0x4acb1e4c, HasNonce: true, LifetimeMs: 30369, HopLimit: 214, SigType: -1,
	},
}

// Data is a Data vector and the fields a decoder must find.
type Data struct {
	ID, Source, Hex string
	// Name is the Name in alternate URI form.
	Name        string
	ContentType uint64
	FreshnessMs uint64
	// Content is hex; HasContent tells whether the Content element is present.
	Content    string
	HasContent bool
	SigType    uint64
	// KeyLocator is a KeyLocator Name URI, "" if none.
	KeyLocator string
	SigValue   string
	// SigValueIsDigest tells whether SigValue is the SHA-256 of the signed portion.
	SigValueIsDigest bool
	// ImplicitDigest is the SHA-256 of the whole packet in hex, "" when not
	// published with the vector.
	ImplicitDigest string
	// ReEncodes tells whether encoding the decoded fields gives back Hex.
	ReEncodes bool
}

// Datas are the Data vectors of ndn-protocols.md §6.2.
var Datas = []Data{
	{
		ID: "D1", Source: "python-ndn test_default", Hex: D1Hex,
		Name: "/E", HasContent: true, SigType: 0,
		SigValue: "f965ee682c6973c3cbaa7b69e4c7063680f83be93a46be2ccc98686134354b66", SigValueIsDigest: true,
		ImplicitDigest: "4011df53b66057af89e6fce0d98b2edf549b724f4c9655a42a17ecd433b454c8", ReEncodes: true,
	},
	{
		ID: "D2", Source: "python-ndn, explicit ContentType",
		Hex: `0642 0714 08056c6f63616c 08036e646e 0806707265666978
		          1403 180100          // MetaInfo: ContentType BLOB, written explicitly
		          1603 1b0100
		          1720 7f31e409c57a2f1d0dda566838fdd994d82753135bd715a59d255e80f2abf0b5`,
		Name: "/local/ndn/prefix", SigType: 0,
		SigValue: "7f31e409c57a2f1d0dda566838fdd994d82753135bd715a59d255e80f2abf0b5", SigValueIsDigest: true,
		ImplicitDigest: "c16b7c58f003c2ed72aded13d32a0dba981dd9366a55894e77a044dbed359a0d", ReEncodes: true,
	},
	{
		ID: "D3", Source: "ndn-cxx data.t.cpp DATA1 (RSA)",
		Hex: `06c5 0714 08056c6f63616c 08036e646e 0806707265666978
		          1404 1902 2710                       // MetaInfo: FreshnessPeriod 10000
		          1508 5355434345535321                // Content "SUCCESS!"
		          161b 1b01 01                         // SignatureInfo: SignatureSha256WithRsa
		               1c16 0714 08047465737408036b657908076c6f6361746f72 // KeyLocator /test/key/locator
		          1780 2fd6f16e806f10beb16f3e31ece3b9ea833040 03fca013d9b3c625162da65841696256d8
		               b36a387656ea61b232701cb64d101ddc928e52a58a1dd9965ec0620bcf3a9d7fcabea141
		               71857a8b5da964d666b4e98d0c2843eea664e855f61c190bef99251edc78b3a7aa0d1458
		               30e5376a6ddb56aca3fc907ab8669c0ef6b764d1`,
		Name: "/local/ndn/prefix", FreshnessMs: 10000, Content: "5355434345535321", HasContent: true,
		SigType: 1, KeyLocator: "/test/key/locator",
		SigValue: "2fd6f16e806f10beb16f3e31ece3b9ea83304003fca013d9b3c625162da65841696256d8" +
			"b36a387656ea61b232701cb64d101ddc928e52a58a1dd9965ec0620bcf3a9d7fcabea141" +
			"71857a8b5da964d666b4e98d0c2843eea664e855f61c190bef99251edc78b3a7aa0d1458" +
			"30e5376a6ddb56aca3fc907ab8669c0ef6b764d1",
		ImplicitDigest: "28bad4b5275bd392dbb670c75cf0b66f13f7942b21e80f55c0e86b374753a548", ReEncodes: true,
	},
	{
		ID: "D4", Source: "ndn-cxx data.t.cpp Encode/Minimal (layout only)",
		Hex:  `060b 0700 1400 1603 1b0100 1700   // empty Name, empty MetaInfo, empty SignatureValue`,
		Name: "/", SigType: 0, ReEncodes: true,
	},
	{
		ID: "D5", Source: "ndn-cxx data.t.cpp UnrecognizedNonCriticalElements",
		Hex: `063a 0703 080144 fc00 1400 fc00 1500 fc00 1603 1b0100 fc00
		          1720 612a79399e60304a9f701c1ecac7956bf2f1b046e6c6f0d6c29b3fe3a29bad76 fc00`,
		Name: "/D", HasContent: true, SigType: 0,
		SigValue: "612a79399e60304a9f701c1ecac7956bf2f1b046e6c6f0d6c29b3fe3a29bad76",
	},
}

// Name is a Name vector.
type Name struct {
	ID, Source, Hex string
	// URI is the alternate form (as ndn-cxx prints), Canonical the canonical one.
	URI, Canonical string
}

// Names are the Name vectors of ndn-protocols.md §6.3, as whole Name elements.
var Names = []Name{
	{
		ID: "N2", Source: "NDNts naming-convention2 README",
		Hex: `0713 080141 2008 6d65746164617461 360103 320100`,
		URI: "/A/32=metadata/v=3/seg=0", Canonical: "/8=A/32=metadata/54=%03/50=%00",
	},
	{
		ID: "N3", Source: "generated, NNI lengths 2, 8 and 4",
		Hex: `0719 08036e646e 3402 0400 3808 00060a24181e4000 3a04 00010000`,
		URI: "/ndn/off=1024/t=1700000000000000/seq=65536", Canonical: "/8=ndn/52=%04%00/56=%00%06%0A%24%18%1E%40%00/58=%00%01%00%00",
	},
	{ID: "N4seg", Source: "python-ndn name_test.py", Hex: `0703 32010d`, URI: "/seg=13", Canonical: "/50=%0D"},
	{ID: "N4off", Source: "python-ndn name_test.py", Hex: `0703 34010d`, URI: "/off=13", Canonical: "/52=%0D"},
	{ID: "N4seq", Source: "python-ndn name_test.py", Hex: `0703 3a010d`, URI: "/seq=13", Canonical: "/58=%0D"},
	{ID: "N4v", Source: "python-ndn name_test.py", Hex: `0703 36010d`, URI: "/v=13", Canonical: "/54=%0D"},
	{
		ID: "N4t", Source: "python-ndn name_test.py", Hex: `070a 3808 0037bb0d76ed4c60`,
		URI: "/t=15686790223318112", Canonical: "/56=%007%BB%0Dv%EDL%60",
	},
	{
		ID: "N5", Source: "ndn-cxx name.t.cpp AppendParametersSha256Digest",
		Hex:       `0725 080150 0220 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855`,
		URI:       "/P/params-sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		Canonical: "/8=P/2=%E3%B0%C4B%98%FC%1C%14%9A%FB%F4%C8%99o%B9%24%27%AEA%E4d%9B%93L%A4%95%99%1BxR%B8U",
	},
}

// ValidityPeriodHex is the ValidityPeriod vector of §6.4 (ndn-cxx
// validity-period.t.cpp VP1): NotBefore 19700101T000000, NotAfter
// 19700102T000000. Note the 3-octet TLV-TYPEs.
const ValidityPeriodHex = `fd00fd 26
	fd00fe 0f 313937303031303154303030303030   // NotBefore 19700101T000000
	fd00ff 0f 313937303031303254303030303030   // NotAfter  19700102T000000`

// LpPacket is an NDNLPv2 vector and the fields a decoder must find.
type LpPacket struct {
	ID, Source, Hex string
	Sequence        uint64
	HasSequence     bool
	FragIndex       uint64
	FragCount       uint64
	PitToken        string
	// NackReason is the reason; -1 means not a Nack.
	NackReason     int
	CongestionMark uint64
	Acks           []uint64
	// Fragment is hex; "" means an IDLE packet.
	Fragment string
}

// LpPackets are the NDNLPv2 vectors of ndn-protocols.md §6.5. Every one
// re-encodes to its own bytes.
var LpPackets = []LpPacket{
	{
		ID: "L1", Source: "ndn-cxx lp/packet.t.cpp EncodeSubTlv",
		Hex:        `6409 fd0320 05 (fd0321 01 64)   // Nack, NackReason DUPLICATE`,
		NackReason: 100,
	},
	{
		ID: "L2", Source: "generated, checked with ndnd",
		Hex: `642f 6204 cafe0001                 // PitToken
		          fd0320 05 (fd0321 01 96)       // Nack NO_ROUTE
		          501e ` + I1Hex,
		PitToken: "cafe0001", NackReason: 150, Fragment: I1Hex,
	},
	{
		ID: "L3", Source: "ndn-cxx lp/packet.t.cpp EncodeFragment",
		Hex:      `640e 5108 00000000000003e8 5002 03e8   // Sequence 1000, Fragment 03e8`,
		Sequence: 1000, HasSequence: true, NackReason: -1, Fragment: "03e8",
	},
	{
		ID: "L4", Source: "ndn-cxx lp/packet.t.cpp EncodeSortOrder",
		Hex: `642e 520100 530101                   // FragIndex 0, FragCount 1
		          fd0344 08 0000000000000002       // Ack 2
		          fd0344 08 0000000000000004       // Ack 4
		          fd0344 08 0000000000000003       // Ack 3 (insertion order kept)
		          5002 03e8`,
		FragCount: 1, NackReason: -1, Acks: []uint64{2, 4, 3}, Fragment: "03e8",
	},
	{
		ID: "L5", Source: "generated, checked with ndnd",
		Hex: `643f 6204 cafe0001 fd0340 01 01     // PitToken, CongestionMark 1
		          5032 ` + D1Hex,
		PitToken: "cafe0001", NackReason: -1, CongestionMark: 1, Fragment: D1Hex,
	},
	{ID: "L6", Source: "ndn-cxx lp/packet.t.cpp DecodeIdle", Hex: `6400`, NackReason: -1},
	{ID: "L6b", Source: "generated IDLE with FragIndex/FragCount", Hex: `6406 520100 530101`, FragCount: 1, NackReason: -1},
}

// Packet kinds of Invalid vectors: which decoder must reject them.
const (
	KindInterest = "Interest"
	KindData     = "Data"
	KindLp       = "LpPacket"
	KindName     = "Name"
)

// Rules of Invalid vectors: the rejection rule of the spec each one breaks.
const (
	RuleTruncated      = "truncated"            // the input ends inside an element
	RuleCritical       = "critical"             // unknown critical element
	RuleOrder          = "order"                // known critical element out of order or repeated
	RuleBeforeName     = "before-name"          // any element before Name
	RuleMissing        = "missing"              // a required element is absent
	RuleNNI            = "nni"                  // NonNegativeInteger not 1, 2, 4 or 8 octets
	RuleLength         = "length"               // a fixed-length element has another length
	RuleEmptyName      = "empty-name"           // Interest Name without components
	RuleComponentType  = "component-type"       // name component type 0 or > 65535
	RuleDigestLength   = "digest-length"        // digest component not 32 octets
	RuleParamsDigest   = "params-digest"        // params digest missing, mismatched or duplicated
	RuleLpField        = "lp-field"             // NDNLPv2 order, repetition, unknown-field or FragIndex rule
	RulePacketType     = "packet-type"          // outer TLV-TYPE is not the expected packet
	RuleNonMinimalName = "non-minimal-name"     // a name component's TLV-LENGTH is not minimal
	RuleValidityPeriod = "validity-period-time" // NotBefore/NotAfter not YYYYMMDDThhmmss
)

// InvalidVector is a malformed packet and the rule it breaks.
type InvalidVector struct {
	Kind, Rule, Desc, Hex string
}

// Invalid are packets that decoders must reject, one or more per rejection
// rule of ndn-protocols.md §1 and §3.
var Invalid = []InvalidVector{
	// Interest
	{KindInterest, RuleTruncated, "TLV-LENGTH beyond the input", `0520 0703 080149`},
	{KindInterest, RuleTruncated, "name component beyond the Name", `0505 0703 080249`},
	{KindInterest, RuleMissing, "no Name", `0500`},
	{KindInterest, RuleBeforeName, "MustBeFresh before Name", `0502 1200`},
	{KindInterest, RuleBeforeName, "CanBePrefix before Name", `0507 2100 0703 080149`},
	{KindInterest, RuleBeforeName, "non-critical FC00 before Name", `0507 fc00 0703 080149`},
	{KindInterest, RuleEmptyName, "Name without components", `0502 0700`},
	{KindInterest, RuleCritical, "unknown critical type 511", `0509 0703 080149 fd01ff 00`},
	{KindInterest, RuleCritical, "reserved critical type 9 (Selectors)", `0507 0703 080149 0900`},
	{KindInterest, RuleOrder, "CanBePrefix after MustBeFresh", `0509 0703 080149 1200 2100`},
	{KindInterest, RuleOrder, "Nonce after InterestLifetime", `050f 0703 080149 0c02 76a1 0a04 4acb1e4c`},
	{KindInterest, RuleOrder, "ForwardingHint after Nonce", `0512 0703 080149 0a04 4acb1e4c 1e05 0703080148`},
	{KindInterest, RuleOrder, "repeated Nonce", `0511 0703 080149 0a04 4acb1e4c 0a04 4acb1e4c`},
	{KindInterest, RuleNNI, "InterestLifetime of 3 octets", `050a 0703 080149 0c03 010203`},
	{KindInterest, RuleLength, "Nonce of 1 octet", `0508 0703 080149 0a01 01`},
	{KindInterest, RuleLength, "Nonce of 5 octets", `050c 0703 080149 0a05 0102030405`},
	{KindInterest, RuleLength, "HopLimit of 2 octets", `0509 0703 080149 2202 0101`},
	{KindInterest, RuleLength, "HopLimit of 0 octets", `0507 0703 080149 2200`},
	{KindInterest, RuleLength, "CanBePrefix with a value", `0508 0703 080149 2101 00`},
	{KindInterest, RuleComponentType, "component type 0", `0507 0705 00 03 616263`},
	{KindInterest, RuleComponentType, "component type 65536", `0509 0707 fe00010000 01 41`},
	{KindInterest, RuleDigestLength, "implicit digest of 3 octets", `0507 0705 01 03 616263`},
	{KindInterest, RuleDigestLength, "params digest of 3 octets", `050d 0705 02 03 616263 2404 c0c1c2c3`},
	{KindInterest, RuleParamsDigest, "ApplicationParameters without digest", `050f 0703 080149 0a04 f000f000 2402 cafe`},
	{KindInterest, RuleParamsDigest, "digest without ApplicationParameters",
		`0527 0725 080149 0220 ff9100e04eaadcf30674d98026a051ba25f56b69bfa026dcccd72c6ea0f7315a`},
	{KindInterest, RuleParamsDigest, "digest mismatch (last octet changed)",
		`052d 0725 080149 0220 ff9100e04eaadcf30674d98026a051ba25f56b69bfa026dcccd72c6ea0f7315b 2404 c0c1c2c3`},
	{KindInterest, RuleParamsDigest, "digest mismatch (unknown element after parameters not covered)",
		`052f 0725 080149 0220 ff9100e04eaadcf30674d98026a051ba25f56b69bfa026dcccd72c6ea0f7315a 2404 c0c1c2c3 fc00`},
	{KindInterest, RuleParamsDigest, "two digest components",
		`054f 0747 080149 0220 ff9100e04eaadcf30674d98026a051ba25f56b69bfa026dcccd72c6ea0f7315a
		                  0220 ff9100e04eaadcf30674d98026a051ba25f56b69bfa026dcccd72c6ea0f7315a 2404 c0c1c2c3`},
	{KindInterest, RulePacketType, "a Data", D1Hex},

	// Data
	{KindData, RuleTruncated, "SignatureValue beyond the input", `060d 0703 080144 1603 1b0100 1720 00`},
	{KindData, RuleBeforeName, "no Name: SignatureInfo first", `0607 1603 1b0100 1700`},
	{KindData, RuleBeforeName, "MetaInfo before Name",
		`0630 1400 0703 080145 1500 1603 1b0100 1720 612a79399e60304a9f701c1ecac7956bf2f1b046e6c6f0d6c29b3fe3a29bad76`},
	{KindData, RuleOrder, "MetaInfo after Content",
		`0630 0703 080145 1500 1400 1603 1b0100 1720 612a79399e60304a9f701c1ecac7956bf2f1b046e6c6f0d6c29b3fe3a29bad76`},
	{KindData, RuleOrder, "Content after SignatureInfo",
		`0630 0703 080145 1400 1603 1b0100 1500 1720 612a79399e60304a9f701c1ecac7956bf2f1b046e6c6f0d6c29b3fe3a29bad76`},
	{KindData, RuleOrder, "two SignatureValues",
		`0652 0703 080145 1400 1500 1603 1b0100 1720 612a79399e60304a9f701c1ecac7956bf2f1b046e6c6f0d6c29b3fe3a29bad76
		                                         1720 612a79399e60304a9f701c1ecac7956bf2f1b046e6c6f0d6c29b3fe3a29bad76`},
	{KindData, RuleMissing, "no SignatureInfo", `0607 0703 080144 1700`},
	{KindData, RuleMissing, "no SignatureValue", `060a 0703 080144 1603 1b0100`},
	{KindData, RuleMissing, "SignatureInfo without SignatureType", `060b 0703 080144 1602 fc00 1700`},
	{KindData, RuleCritical, "unknown critical type 511", `0610 0703 080144 fd01ff 00 1603 1b0100 1700`},
	{KindData, RuleCritical, "unknown critical type in MetaInfo", `0610 0703 080144 1402 1300 1603 1b0100 1700`},
	{KindData, RuleCritical, "unknown critical type in SignatureInfo", `060e 0703 080144 1605 1b0100 1f00 1700`},
	{KindData, RuleNNI, "ContentType of 3 octets", `0613 0703 080144 1405 1803 000000 1603 1b0100 1700`},
	{KindData, RuleNNI, "SignatureType of 0 octets", `060b 0703 080144 1602 1b00 1700`},
	{KindData, RuleComponentType, "FinalBlockId component type 0", `0613 0703 080144 1405 1a03 000141 1603 1b0100 1700`},
	{KindData, RuleValidityPeriod, "NotBefore not a time",
		`0636 0703 080144 162d 1b0100 fd00fd 26 fd00fe 0f 3139373030313031543030303030ff
		                                  fd00ff 0f 313937303031303254303030303030 1700`},

	// NDNLPv2
	{KindLp, RuleTruncated, "Fragment beyond the LpPacket", `6404 5005 03e8`},
	{KindLp, RulePacketType, "a Name", `0703 080141`},
	{KindLp, RuleLpField, "Sequence after PitToken", `6414 6204 cafe0001 5108 0000000000000001 5002 03e8`},
	{KindLp, RuleLpField, "repeated FragIndex", `640d 520100 520100 530102 5002 03e8`},
	{KindLp, RuleLpField, "repeated Fragment", `6408 5002 03e8 5002 03e8`},
	{KindLp, RuleLpField, "CongestionMark after Fragment", `6409 5002 03e8 fd0340 01 01`},
	{KindLp, RuleLpField, "unknown field 901 (odd)", `6408 fd0385 00 5002 03e8`},
	{KindLp, RuleLpField, "unknown field 960 (above 959)", `6408 fd03c0 00 5002 03e8`},
	{KindLp, RuleLpField, "unknown field 796 (below 800)", `6408 fd031c 00 5002 03e8`},
	{KindLp, RuleLpField, "unknown field 100", `6406 6400 5002 03e8`},
	{KindLp, RuleLpField, "FragIndex 1 with FragCount 1", `640a 520101 530101 5002 03e8`},
	{KindLp, RuleLpField, "empty Fragment", `6402 5000`},
	{KindLp, RuleLength, "Sequence of 5 octets", `640b 5105 0000000001 5002 03e8`},
	{KindLp, RuleLength, "Ack of 0 octets", `6408 fd0344 00 5002 03e8`},
	{KindLp, RuleLength, "TxSequence of 4 octets", `640c fd0348 04 00000001 5002 03e8`},
	{KindLp, RuleLength, "empty PitToken", `6406 6200 5002 03e8`},
	{KindLp, RuleNNI, "FragIndex of 3 octets", `640c 5203 000001 530102 5002 03e8`},
	{KindLp, RuleNNI, "NackReason of 3 octets", `640b fd0320 07 fd0321 03 000096`},
	{KindLp, RuleLpField, "unknown field 803 inside Nack", `640d fd0320 09 fd0321 01 96 fd0323 00`},

	// Name
	{KindName, RuleTruncated, "component beyond the Name", `0703 080241`},
	{KindName, RuleComponentType, "component type 0", `0705 00 03 616263`},
	{KindName, RuleComponentType, "component type 65536", `0707 fe00010000 01 41`},
	{KindName, RuleDigestLength, "implicit digest of 31 octets", `0721 01 1f 00000000000000000000000000000000000000000000000000000000000000`},
	{KindName, RuleDigestLength, "params digest of 33 octets", `0723 02 21 000000000000000000000000000000000000000000000000000000000000000000`},
	{KindName, RuleNonMinimalName, "TLV-LENGTH written in 3 octets", `0705 08 fd0001 41`},
	{KindName, RulePacketType, "not a Name", `0803 080141`},
}
