package ndn_test

import (
	"encoding/hex"
	"testing"

	"github.com/ndnflow/ndnflow/ndn"
)

// TestMatchesData checks Interest-Data matching as ndn-protocols.md §1.5
// states it.
func TestMatchesData(t *testing.T) {
	d := &ndn.Data{Name: ndn.MustParseName("/A/B"), Content: []byte("x")}
	if _, err := d.SignWith(digestSigner{}); err != nil {
		t.Fatal(err)
	}
	dg := d.Digest()
	digest := hex.EncodeToString(dg[:])
	other := "/sha256digest=" + zeros64

	for _, tc := range []struct {
		name                     string
		canBePrefix, mustBeFresh bool
		want                     bool
	}{
		{"/A/B", false, false, true},                        // exact
		{"/A/B", true, false, true},                         // a name is a prefix of itself
		{"/A/B", false, true, true},                         // MustBeFresh plays no part
		{"/A", false, false, false},                         // prefix without CanBePrefix
		{"/A", true, false, true},                           // prefix with CanBePrefix
		{"/", true, false, true},                            // the empty name is a prefix of every name
		{"/A/B/C", true, false, false},                      // longer
		{"/A/C", true, false, false},                        // sibling
		{"/AB", true, false, false},                         // byte prefix but not a component prefix
		{"/A/B/sha256digest=" + digest, false, false, true}, // full name
		{"/A/B/sha256digest=" + digest, true, false, true},
		{"/A/B" + other, false, false, false},                 // wrong digest
		{"/A/B" + other, true, false, false},                  //
		{"/A/sha256digest=" + digest, true, false, false},     // digest at the wrong depth
		{"/A/B/C/sha256digest=" + digest, true, false, false}, // too long
		{"/A/B/params-sha256=" + digest, true, false, false},  // not an implicit digest
	} {
		i := &ndn.Interest{Name: ndn.MustParseName(tc.name), CanBePrefix: tc.canBePrefix, MustBeFresh: tc.mustBeFresh}
		if got := i.MatchesData(d); got != tc.want {
			t.Errorf("Interest %s CanBePrefix=%v MustBeFresh=%v: MatchesData = %v, want %v",
				tc.name, tc.canBePrefix, tc.mustBeFresh, got, tc.want)
		}
	}
}

// TestMatchesDataEmptyName covers Data with an empty name (allowed in Data).
func TestMatchesDataEmptyName(t *testing.T) {
	var d ndn.Data
	if err := d.Decode(mustHex("060b 0700 1400 1603 1b0100 1700")); err != nil {
		t.Fatal(err)
	}
	dg := d.Digest()
	i := &ndn.Interest{Name: ndn.NameFromComponents(ndn.ImplicitDigestComponent(dg))}
	if !i.MatchesData(&d) {
		t.Error("full name of an empty-name Data does not match")
	}
}
