package mgmt_test

import (
	"errors"
	"fmt"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/ndn/mgmt"
)

// A management server handling a command Interest that arrived on face 300.
func ExampleParseCommand() {
	prefix := ndn.MustParseName(mgmt.NfdPrefix)
	// What a client sends (before signing): rib/register /example.
	sent := mgmt.ControlParameters{Name: ndn.MustParseName("/example"), HasName: true}
	interestName := mgmt.CommandName(prefix, mgmt.RibRegister, &sent)

	req, err := mgmt.ParseCommand(interestName, prefix)
	if err != nil {
		return // NFD sends no response to an unparsable command
	}
	var resp mgmt.ControlResponse
	if err := mgmt.Validate(req.Command, &req.Params); errors.Is(err, mgmt.ErrInvalidParams) {
		resp = mgmt.ControlResponse{Code: mgmt.StatusMalformed, Text: mgmt.ValidationFailedText}
	} else {
		mgmt.ApplyDefaults(req.Command, &req.Params, 300)
		// ... add the route ...
		body := req.Command.ResponseParams(&req.Params)
		resp = mgmt.NewControlResponse(mgmt.StatusOK, "OK", &body)
	}
	d := mgmt.ResponseData(interestName, &resp) // sign and send
	p, _, _ := resp.Params()
	fmt.Println(req.Command, resp.Code, p.String(), d.Freshness)
	// Output: rib/register 200 ControlParameters(Name=/example, FaceId=300, Origin=0, Cost=0, Flags=0x1) 1s
}

// A client (such as `ndnflow ctl face list`) fetching a dataset.
func ExampleAssembler() {
	prefix := ndn.MustParseName(mgmt.NfdPrefix)
	name := mgmt.DatasetName(prefix, "faces/list")

	// The producer side, for the sake of the example.
	faces := []mgmt.FaceStatus{{FaceID: 1, URI: "internal://", LocalURI: "internal://"}}
	segments := mgmt.DatasetData(name, 1700000000000, mgmt.AppendList(nil, faces), 0)

	a := mgmt.NewAssembler(name)
	for i := range segments {
		// Express an Interest for a.NextName() (CanBePrefix and MustBeFresh the
		// first time), verify the Data, then:
		done, err := a.Add(&segments[i])
		if err != nil {
			if r, ok := mgmt.IsReject(err); ok {
				fmt.Println("rejected:", r.Code, r.Text)
			}
			return
		}
		if done {
			break
		}
	}
	list, err := mgmt.DecodeFaceStatusList(a.Payload())
	fmt.Println(len(list), list[0].URI, err)
	// Output: 1 internal:// <nil>
}

func ExampleFaceURI_Canonical() {
	u, _ := mgmt.ParseFaceURI("udp://192.0.2.1")
	c, err := u.Canonical()
	fmt.Println(u.IsCanonical(), c, c.IsCanonical(), err)
	// Output: false udp4://192.0.2.1:6363 true <nil>
}
