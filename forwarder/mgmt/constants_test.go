package mgmt_test

import (
	"testing"

	"github.com/ndnflow/ndnflow/face"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
)

// TestFaceConstantsMatchNFD checks that package face numbers Persistency,
// Scope and LinkType as ndn/mgmt does (NFD's numbering): the server
// converts between them with plain type conversions (FaceStatus,
// faces/create, faces/update), so a renumbering on either side would
// silently misreport faces.
func TestFaceConstantsMatchNFD(t *testing.T) {
	type pair struct {
		name       string
		face, mgmt uint8
		faceName   string
		mgmtName   string
	}
	pairs := []pair{
		{"persistent", uint8(face.PersistencyPersistent), uint8(nfd.PersistencyPersistent), face.PersistencyPersistent.String(), nfd.PersistencyPersistent.String()},
		{"on-demand", uint8(face.PersistencyOnDemand), uint8(nfd.PersistencyOnDemand), face.PersistencyOnDemand.String(), nfd.PersistencyOnDemand.String()},
		{"permanent", uint8(face.PersistencyPermanent), uint8(nfd.PersistencyPermanent), face.PersistencyPermanent.String(), nfd.PersistencyPermanent.String()},
		{"non-local", uint8(face.ScopeNonLocal), uint8(nfd.ScopeNonLocal), face.ScopeNonLocal.String(), nfd.ScopeNonLocal.String()},
		{"local", uint8(face.ScopeLocal), uint8(nfd.ScopeLocal), face.ScopeLocal.String(), nfd.ScopeLocal.String()},
		{"point-to-point", uint8(face.LinkPointToPoint), uint8(nfd.LinkPointToPoint), face.LinkPointToPoint.String(), nfd.LinkPointToPoint.String()},
		{"multi-access", uint8(face.LinkMultiAccess), uint8(nfd.LinkMultiAccess), face.LinkMultiAccess.String(), nfd.LinkMultiAccess.String()},
		{"adhoc", uint8(face.LinkAdHoc), uint8(nfd.LinkAdHoc), face.LinkAdHoc.String(), nfd.LinkAdHoc.String()},
	}
	for _, p := range pairs {
		if p.face != p.mgmt || p.faceName != p.name || p.mgmtName != p.name {
			t.Errorf("%s: face %d %q, ndn/mgmt %d %q", p.name, p.face, p.faceName, p.mgmt, p.mgmtName)
		}
	}
	// Every value ndn/mgmt names converts to the face value of that name.
	for v := range 256 {
		if n := nfd.FacePersistency(v).String(); n != "unknown" && face.Persistency(v).String() != n {
			t.Errorf("FacePersistency %d: ndn/mgmt %q, face %q", v, n, face.Persistency(v))
		}
		if n := nfd.FaceScope(v).String(); n != "unknown" && face.Scope(v).String() != n {
			t.Errorf("FaceScope %d: ndn/mgmt %q, face %q", v, n, face.Scope(v))
		}
		if n := nfd.LinkType(v).String(); n != "unknown" && face.LinkType(v).String() != n {
			t.Errorf("LinkType %d: ndn/mgmt %q, face %q", v, n, face.LinkType(v))
		}
	}
}
