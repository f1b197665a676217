package mgmt

import (
	"fmt"
	"strings"

	"github.com/ndnflow/ndnflow/ndn"
)

// CommandName returns the name of a control command Interest before
// signing: prefix/module/verb/<ControlParameters>, the parameters wrapped in
// a GenericNameComponent (ndn-protocols.md §4.1). Signing (v0.3 adds a
// params-sha256 component; v0.2 adds four) is the caller's. For RibAnnounce,
// p is ignored: its parameter travels in ApplicationParameters.
func CommandName(prefix ndn.Name, c Command, p *ControlParameters) ndn.Name {
	comps := []ndn.Component{ndn.GenericComponent(c.Module()), ndn.GenericComponent(c.Verb())}
	if c != RibAnnounce {
		comps = append(comps, ndn.Component{Type: ndn.TtGenericNameComponent, Value: p.Encode()})
	}
	return prefix.Append(comps...)
}

// CommandRequest is a parsed command Interest name.
type CommandRequest struct {
	// Command is the command, or 0 when module/verb is not a known command
	// (ParseCommand then also returns ErrUnknownCommand).
	Command      Command
	Module, Verb string
	// Params is the decoded ControlParameters (zero for RibAnnounce), and
	// ParamsWire its element, aliasing the name.
	Params     ControlParameters
	ParamsWire []byte
	// V02 reports the legacy signed-command shape: at least four components
	// after the parameters, the last two holding SignatureInfo (16 …) and
	// SignatureValue (17 …).
	V02 bool
}

// ParseCommand parses the name of a command Interest received under prefix
// (for example /localhost/nfd): the module is name[k], the verb name[k+1]
// and, except for rib/announce, the ControlParameters name[k+2], where k is
// prefix.Len(). Trailing components (params-sha256, or the four v0.2
// signature components) are not checked here; verify the signature
// separately. NFD sends no response when this fails: with ErrCommandName
// (not under prefix, too short), or a ControlParameters decoding error. With
// ErrUnknownCommand the returned Module and Verb are set, so a server may
// answer 501 as ndnd does, or stay silent as NFD does.
func ParseCommand(name, prefix ndn.Name) (CommandRequest, error) {
	var r CommandRequest
	if !prefix.IsPrefixOf(name) {
		return r, fmt.Errorf("%w: %s is not under %s", ErrCommandName, name, prefix)
	}
	k := prefix.Len()
	n := name.Len()
	if n < k+2 {
		return r, fmt.Errorf("%w: %s has no module and verb", ErrCommandName, name)
	}
	mod, verb := name.At(k), name.At(k+1)
	if mod.Type != ndn.TtGenericNameComponent || verb.Type != ndn.TtGenericNameComponent {
		return r, fmt.Errorf("%w: %s: module and verb must be generic components", ErrCommandName, name)
	}
	r.Module, r.Verb = string(mod.Value), string(verb.Value)
	c, ok := LookupCommand(r.Module, r.Verb)
	if !ok {
		return r, fmt.Errorf("%w: %s/%s", ErrUnknownCommand, r.Module, r.Verb)
	}
	r.Command = c
	if c == RibAnnounce {
		return r, nil
	}
	if n < k+3 {
		return r, fmt.Errorf("%w: %s has no ControlParameters", ErrCommandName, name)
	}
	pc := name.At(k + 2)
	if pc.Type != ndn.TtGenericNameComponent {
		return r, fmt.Errorf("%w: %s: ControlParameters must be a generic component", ErrCommandName, name)
	}
	if err := r.Params.Decode(pc.Value); err != nil {
		return r, err
	}
	r.ParamsWire = pc.Value
	if n >= k+7 {
		si, sv := name.At(-2), name.At(-1)
		r.V02 = si.Type == ndn.TtGenericNameComponent && len(si.Value) > 0 && si.Value[0] == ndn.TtSignatureInfo &&
			sv.Type == ndn.TtGenericNameComponent && len(sv.Value) > 0 && sv.Value[0] == ndn.TtSignatureValue
	}
	return r, nil
}

// DatasetName returns prefix followed by the components of a dataset path
// such as "faces/list" or "status/general": the name to request with
// CanBePrefix and MustBeFresh.
func DatasetName(prefix ndn.Name, dataset string) ndn.Name {
	var comps []ndn.Component
	for part := range strings.SplitSeq(strings.Trim(dataset, "/"), "/") {
		comps = append(comps, ndn.GenericComponent(part))
	}
	return prefix.Append(comps...)
}

// FaceQueryName returns prefix/faces/query/<FaceQueryFilter>.
func FaceQueryName(prefix ndn.Name, f *FaceQueryFilter) ndn.Name {
	return DatasetName(prefix, "faces/query").Append(
		ndn.Component{Type: ndn.TtGenericNameComponent, Value: tlvEncode(f)})
}

// ParseFaceQueryName extracts the FaceQueryFilter from a faces/query dataset
// name: the component right after prefix/faces/query. ok is false when the
// name has no such component (a request for the newest version of a
// previous query, or a malformed name); err is set when the filter does not
// decode, which NFD answers with a NACK "400 Malformed filter".
func ParseFaceQueryName(name, prefix ndn.Name) (f FaceQueryFilter, ok bool, err error) {
	base := DatasetName(prefix, "faces/query")
	if !base.IsPrefixOf(name) || name.Len() <= base.Len() {
		return f, false, nil
	}
	c := name.At(base.Len())
	if c.Type != ndn.TtGenericNameComponent {
		return f, true, fmt.Errorf("%w: FaceQueryFilter component type %d", ErrElementType, c.Type)
	}
	err = f.Decode(c.Value)
	return f, true, err
}

// NotificationName returns prefix/faces/events/seq=n, the name of the n-th
// face event notification (typed SequenceNum component).
func NotificationName(prefix ndn.Name, n uint64) ndn.Name {
	return DatasetName(prefix, "faces/events").Append(ndn.SequenceNumComponent(n))
}
