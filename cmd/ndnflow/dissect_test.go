package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tv "github.com/ndnflow/ndnflow/ndn/ndntestvector"
	"github.com/ndnflow/ndnflow/tlv"
)

// runDissect runs `ndnflow dissect args...` in-process with stdin.
func runDissect(t *testing.T, stdin []byte, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	root := newRootCmd()
	root.SetIn(bytes.NewReader(stdin))
	var out, errOut bytes.Buffer
	code = execute(context.Background(), root, append([]string{"dissect"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// allVectors lists every valid vector of ndntestvector.
func allVectors() map[string]string {
	m := map[string]string{"ValidityPeriod": tv.ValidityPeriodHex}
	for _, v := range tv.Interests {
		m[v.ID] = v.Hex
	}
	for _, v := range tv.Datas {
		m[v.ID] = v.Hex
	}
	for _, v := range tv.LpPackets {
		m[v.ID] = v.Hex
	}
	for _, v := range tv.Names {
		m[v.ID] = v.Hex
	}
	return m
}

func TestDissectText(t *testing.T) {
	want := map[string][]string{
		"I1": {
			"Interest (5) length 28\n",
			"  Name (7) length 20: /local/ndn/prefix\n",
			"    GenericNameComponent (8) length 5: local\n",
			"  Nonce (10) length 4: 01020304\n",
		},
		"I3": {
			"  CanBePrefix (33) length 0\n",
			"  MustBeFresh (18) length 0\n",
			"  ForwardingHint (30) length 5\n    Name (7) length 3: /H\n",
			"  InterestLifetime (12) length 2: 30369\n",
			"  HopLimit (34) length 1: 220\n",
			"    ParametersSha256DigestComponent (2) length 32: params-sha256=ff9100e04eaadcf30674d98026a051ba25f56b69bfa026dcccd72c6ea0f7315a\n",
			"  ApplicationParameters (36) length 4: c0c1c2c3\n",
		},
		"I6": {
			"  InterestSignatureInfo (44) length 13\n    SignatureType (27) length 1: 0\n    SignatureNonce (38) length 8: 0102030405060708\n",
			"  InterestSignatureValue (46) length 32: 12471ae0",
		},
		"I7": {"  Unknown (252) length 0\n", "    Delegation (31) length 9\n      Preference (30) length 2: 15893\n      Name (7) length 3: /H\n"},
		"D3": {
			"Data (6) length 197\n",
			"  MetaInfo (20) length 4\n    FreshnessPeriod (25) length 2: 10000\n",
			"  Content (21) length 8: 5355434345535321\n",
			"    KeyLocator (28) length 22\n      Name (7) length 20: /test/key/locator\n",
			"    SignatureType (27) length 1: 1\n",
		},
		"D4": {"Data (6) length 11\n  Name (7) length 0: /\n  MetaInfo (20) length 0\n"},
		"N2": {
			"Name (7) length 19: /A/32=metadata/v=3/seg=0\n",
			"  KeywordNameComponent (32) length 8: 32=metadata\n",
			"  VersionNameComponent (54) length 1: v=3\n",
			"  SegmentNameComponent (50) length 1: seg=0\n",
		},
		"N3":             {"  TimestampNameComponent (56) length 8: t=1700000000000000\n", "  ByteOffsetNameComponent (52) length 2: off=1024\n"},
		"L1":             {"LpPacket (100) length 9\n  Nack (800) length 5\n    NackReason (801) length 1: 100\n"},
		"L3":             {"  Sequence (81) length 8: 1000\n  Fragment (80) length 2: 03e8\n"},
		"L4":             {"  FragIndex (82) length 1: 0\n  FragCount (83) length 1: 1\n  Ack (836) length 8: 2\n  Ack (836) length 8: 4\n"},
		"L5":             {"  CongestionMark (832) length 1: 1\n  Fragment (80) length 50\n    Data (6) length 48\n      Name (7) length 3: /E\n"},
		"L6":             {"LpPacket (100) length 0\n"},
		"ValidityPeriod": {`  NotBefore (254) length 15: "19700101T000000"` + "\n"},
	}
	for id, h := range allVectors() {
		code, out, errOut := runDissect(t, []byte(tv.Hex(h)), "--hex")
		if code != 0 || errOut != "" {
			t.Errorf("%s: exit %d, stderr %q", id, code, errOut)
			continue
		}
		for _, w := range want[id] {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q:\n%s", id, w, out)
			}
		}
	}
}

// rebuild encodes a --json tree back into TLV; for the minimally encoded
// vectors it must give back the input, which shows that the JSON holds every
// element, type, length and value.
func rebuild(t *testing.T, n map[string]any) []byte {
	t.Helper()
	var value []byte
	switch {
	case n["children"] != nil:
		if n["value"] != nil {
			t.Errorf("%v has both children and value", n["name"])
		}
		for _, c := range n["children"].([]any) {
			value = append(value, rebuild(t, c.(map[string]any))...)
		}
	case n["value"] != nil:
		var err error
		if value, err = hex.DecodeString(n["value"].(string)); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("%v has neither children nor value", n)
	}
	if int(n["length"].(float64)) != len(value) {
		t.Errorf("%v: length %v, value has %d octets", n["name"], n["length"], len(value))
	}
	return tlv.AppendElement(nil, uint32(n["type"].(float64)), value)
}

func TestDissectJSON(t *testing.T) {
	for id, h := range allVectors() {
		code, out, errOut := runDissect(t, []byte(tv.Hex(h)), "--hex", "--json")
		if code != 0 || errOut != "" {
			t.Errorf("%s: exit %d, stderr %q", id, code, errOut)
			continue
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 1 {
			t.Errorf("%s: %d lines, want one JSON object", id, len(lines))
			continue
		}
		var n map[string]any
		if err := json.Unmarshal([]byte(lines[0]), &n); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if got := rebuild(t, n); !bytes.Equal(got, tv.Bytes(h)) {
			t.Errorf("%s: JSON rebuilds to %x, want %s", id, got, tv.Hex(h))
		}
	}
	_, out, _ := runDissect(t, []byte(tv.Names[0].Hex), "--hex", "--json") // plain hex with spaces
	for _, w := range []string{
		`{"type":7,"name":"Name","length":19,"children":[`,
		`{"type":54,"name":"VersionNameComponent","length":1,"value":"03","uri":"v=3","number":3}`,
		`"uri":"/A/32=metadata/v=3/seg=0"}`,
	} {
		if !strings.Contains(out, w) {
			t.Errorf("JSON lacks %s:\n%s", w, out)
		}
	}
	_, out, _ = runDissect(t, []byte("0a0401020304 0c020fa0"), "--hex", "--json")
	if out != `{"type":10,"name":"Unknown","length":4,"value":"01020304"}`+"\n"+
		`{"type":12,"name":"Unknown","length":2,"value":"0fa0"}`+"\n" {
		t.Errorf("top-level unknown elements:\n%s", out)
	}
}

func TestDissectStreamAndFile(t *testing.T) {
	stream := append(append(tv.Bytes(tv.I1Hex), tv.Bytes(tv.D1Hex)...), 0x64, 0x00)
	path := filepath.Join(t.TempDir(), "capture.bin")
	if err := os.WriteFile(path, stream, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{path}, {"-"}, {}} {
		code, out, errOut := runDissect(t, stream, append(args, "--json")...)
		if code != 0 || errOut != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errOut)
		}
		var names []string
		for line := range strings.Lines(out) {
			var n struct{ Name string }
			if err := json.Unmarshal([]byte(line), &n); err != nil {
				t.Fatal(err)
			}
			names = append(names, n.Name)
		}
		if strings.Join(names, ",") != "Interest,Data,LpPacket" {
			t.Errorf("%v: top-level elements %v", args, names)
		}
		code, out, _ = runDissect(t, stream, args...)
		var top []string
		for line := range strings.Lines(out) {
			if !strings.HasPrefix(line, " ") {
				top = append(top, strings.Fields(line)[0])
			}
		}
		if code != 0 || strings.Join(top, ",") != "Interest,Data,LpPacket" {
			t.Errorf("%v: text top-level elements %v", args, top)
		}
	}
	// Hex with any whitespace.
	spaced := "05 1c\n\t0714 08056c6f63616c08036e646e0806707265666978\r\n0a04 0102 0304\n"
	if code, out, _ := runDissect(t, []byte(spaced), "--hex"); code != 0 || !strings.Contains(out, "/local/ndn/prefix") {
		t.Errorf("spaced hex: exit %d\n%s", code, out)
	}
	if code, out, errOut := runDissect(t, nil); code != 0 || out != "" || errOut != "" {
		t.Errorf("empty input: exit %d, %q, %q", code, out, errOut)
	}
}

func TestDissectMalformed(t *testing.T) {
	i1 := tv.Bytes(tv.I1Hex)
	d1 := tv.Bytes(tv.D1Hex)
	for _, tc := range []struct {
		name    string
		in      []byte
		args    []string
		stdout  []string // what must have been printed before the error
		errLine string
	}{
		{"truncated Interest", i1[:12], nil,
			[]string{"Interest (5) length 28 (truncated)\n", "  Name (7) length 20 (truncated)\n", "    GenericNameComponent (8) length 5: local\n"},
			"ndnflow: malformed TLV at offset 0: Interest (5) has TLV-LENGTH 28 but only 10 octets remain"},
		{"truncated TLV-LENGTH", []byte{0x05, 0xfd, 0x01}, nil, nil,
			"ndnflow: malformed TLV at offset 1: TLV-LENGTH: tlv: truncated"},
		{"second packet truncated", append(bytes.Clone(i1), d1[:20]...), nil,
			[]string{"Interest (5) length 28\n", "  Nonce (10) length 4: 01020304\n", "Data (6) length 48 (truncated)\n", "  MetaInfo (20) length 0\n"},
			"ndnflow: malformed TLV at offset 30: Data (6) has TLV-LENGTH 48 but only 18 octets remain"},
		{"inner element overruns its parent", tv.Bytes("0507 0703 080249 0a00"), nil,
			[]string{"Interest (5) length 7\n", "  Name (7) length 3\n", "    GenericNameComponent (8) length 2 (truncated): 49\n"},
			"ndnflow: malformed TLV at offset 4: GenericNameComponent (8) has TLV-LENGTH 2 but only 1 octets remain"},
		{"TLV-TYPE 0 in a Name", tv.Bytes("0507 0705 0003616263"), nil,
			[]string{"Interest (5) length 7\n", "  Name (7) length 5\n"},
			"ndnflow: malformed TLV at offset 4: TLV-TYPE 0 is outside [1, 2^32-1]"},
		{"truncated, JSON", i1[:12], []string{"--json"},
			[]string{`{"type":5,"name":"Interest","length":28,"children":[{"type":7,"name":"Name","length":20,"children":[{"type":8,"name":"GenericNameComponent","length":5,"value":"6c6f63616c","uri":"local"}`},
			"ndnflow: malformed TLV at offset 0: Interest (5) has TLV-LENGTH 28 but only 10 octets remain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runDissect(t, tc.in, tc.args...)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if strings.TrimSpace(errOut) != tc.errLine {
				t.Errorf("stderr %q, want %q", errOut, tc.errLine)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
		})
	}
	// Every proper prefix of every vector fails cleanly (no panic).
	for id, h := range allVectors() {
		b := tv.Bytes(h)
		for n := 1; n < len(b); n++ {
			if code, _, errOut := runDissect(t, b[:n]); code != 1 || !strings.Contains(errOut, "malformed TLV at offset") {
				t.Fatalf("%s[:%d]: exit %d, %q", id, n, code, errOut)
			}
		}
	}
}

func TestDissectBadInput(t *testing.T) {
	if code, _, errOut := runDissect(t, []byte("05 0g"), "--hex"); code != 1 || !strings.Contains(errOut, "--hex input") {
		t.Errorf("bad hex: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runDissect(t, []byte("050"), "--hex"); code != 1 || !strings.Contains(errOut, "--hex input") {
		t.Errorf("odd hex: exit %d, %q", code, errOut)
	}
	if code, _, _ := runDissect(t, nil, filepath.Join(t.TempDir(), "missing")); code != 1 {
		t.Errorf("missing file: exit %d", code)
	}
	if code, _, _ := runDissect(t, nil, "a", "b"); code != 2 {
		t.Errorf("two files: exit %d, want usage error 2", code)
	}
}

func FuzzDissect(f *testing.F) {
	for _, h := range allVectors() {
		f.Add(tv.Bytes(h))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var out bytes.Buffer
		_ = dissect(&out, b, false)
		_ = dissect(&out, b, true)
	})
}
