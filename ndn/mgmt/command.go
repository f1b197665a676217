package mgmt

import (
	"fmt"
)

// Command is an NFD control command (module and verb), with the request and
// response formats of ndn-cxx control-command.cpp (ndn-protocols.md §4.4).
// The zero Command is not a command.
type Command uint8

// Control commands.
const (
	FacesCreate Command = iota + 1
	FacesUpdate
	FacesDestroy
	FibAddNextHop
	FibRemoveNextHop
	RibRegister
	RibUnregister
	// RibAnnounce carries a Prefix Announcement in ApplicationParameters
	// instead of ControlParameters; its request format is empty.
	RibAnnounce
	StrategyChoiceSet
	StrategyChoiceUnset
	CsConfig
	CsErase

	numCommands = iota
)

// Commands returns every command, in declaration order.
func Commands() []Command {
	out := make([]Command, 0, numCommands)
	for c := Command(1); c <= numCommands; c++ {
		out = append(out, c)
	}
	return out
}

// Module returns the module name, for example "faces"; "" for an invalid Command.
func (c Command) Module() string {
	switch c {
	case FacesCreate, FacesUpdate, FacesDestroy:
		return "faces"
	case FibAddNextHop, FibRemoveNextHop:
		return "fib"
	case RibRegister, RibUnregister, RibAnnounce:
		return "rib"
	case StrategyChoiceSet, StrategyChoiceUnset:
		return "strategy-choice"
	case CsConfig, CsErase:
		return "cs"
	}
	return ""
}

// Verb returns the verb, for example "create"; "" for an invalid Command.
func (c Command) Verb() string {
	switch c {
	case FacesCreate:
		return "create"
	case FacesUpdate:
		return "update"
	case FacesDestroy:
		return "destroy"
	case FibAddNextHop:
		return "add-nexthop"
	case FibRemoveNextHop:
		return "remove-nexthop"
	case RibRegister:
		return "register"
	case RibUnregister:
		return "unregister"
	case RibAnnounce:
		return "announce"
	case StrategyChoiceSet:
		return "set"
	case StrategyChoiceUnset:
		return "unset"
	case CsConfig:
		return "config"
	case CsErase:
		return "erase"
	}
	return ""
}

// String returns "module/verb".
func (c Command) String() string {
	if c.Module() == "" {
		return fmt.Sprintf("Command(%d)", uint8(c))
	}
	return c.Module() + "/" + c.Verb()
}

// LookupCommand finds the command with the given module and verb.
func LookupCommand(module, verb string) (Command, bool) {
	for c := Command(1); c <= numCommands; c++ {
		if c.Module() == module && c.Verb() == verb {
			return c, true
		}
	}
	return 0, false
}

// IsLocalhopAllowed reports whether NFD serves the command under
// /localhop/nfd as well as /localhost/nfd (only the RIB commands).
func (c Command) IsLocalhopAllowed() bool { return c.Module() == "rib" }

// Format lists the fields a command's request or response must and may carry.
type Format struct {
	Required Field
	Optional Field
}

// Allowed returns Required|Optional.
func (f Format) Allowed() Field { return f.Required | f.Optional }

const congestionFields = FieldBaseCongestionMarkingInterval | FieldDefaultCongestionThreshold | FieldMtu

// Request returns the request format of c.
func (c Command) Request() Format {
	switch c {
	case FacesCreate:
		return Format{FieldURI, FieldLocalURI | FieldFlags | FieldMask | FieldFacePersistency | congestionFields}
	case FacesUpdate:
		return Format{0, FieldFaceID | FieldFlags | FieldMask | FieldFacePersistency | congestionFields}
	case FacesDestroy:
		return Format{FieldFaceID, 0}
	case FibAddNextHop:
		return Format{FieldName, FieldFaceID | FieldCost}
	case FibRemoveNextHop:
		return Format{FieldName, FieldFaceID}
	case RibRegister:
		return Format{FieldName, FieldFaceID | FieldOrigin | FieldCost | FieldFlags | FieldExpirationPeriod}
	case RibUnregister:
		return Format{FieldName, FieldFaceID | FieldOrigin}
	case StrategyChoiceSet:
		return Format{FieldName | FieldStrategy, 0}
	case StrategyChoiceUnset:
		return Format{FieldName, 0}
	case CsConfig:
		return Format{0, FieldCapacity | FieldFlags | FieldMask}
	case CsErase:
		return Format{FieldName, FieldCount}
	}
	return Format{}
}

// Response returns the format of the ControlParameters in c's 200 response.
func (c Command) Response() Format {
	switch c {
	case FacesCreate:
		return Format{FieldFaceID | FieldURI | FieldLocalURI | FieldFlags | FieldFacePersistency, congestionFields}
	case FacesUpdate:
		return Format{FieldFaceID | FieldFlags | FieldFacePersistency, congestionFields}
	case FacesDestroy:
		return Format{FieldFaceID, 0}
	case FibAddNextHop:
		return Format{FieldName | FieldFaceID | FieldCost, 0}
	case FibRemoveNextHop:
		return Format{FieldName | FieldFaceID, 0}
	case RibRegister, RibAnnounce:
		return Format{FieldName | FieldFaceID | FieldOrigin | FieldCost | FieldFlags, FieldExpirationPeriod}
	case RibUnregister:
		return Format{FieldName | FieldFaceID | FieldOrigin, 0}
	case StrategyChoiceSet:
		return Format{FieldName | FieldStrategy, 0}
	case StrategyChoiceUnset:
		return Format{FieldName, 0}
	case CsConfig:
		return Format{FieldCapacity | FieldFlags, 0}
	case CsErase:
		return Format{FieldName | FieldCount, FieldCapacity}
	}
	return Format{}
}

// checkFormat applies ndn-cxx ControlParametersCommandFormat::validate.
func checkFormat(c Command, f Format, p *ControlParameters) error {
	present := p.Fields()
	if miss := f.Required &^ present; miss != 0 {
		return fmt.Errorf("%w: %s: %s is required but missing", ErrInvalidParams, c, miss)
	}
	if extra := present &^ f.Allowed(); extra != 0 {
		return fmt.Errorf("%w: %s: %s is forbidden but present", ErrInvalidParams, c, extra)
	}
	if f.Optional&FieldFlags != 0 && f.Optional&FieldMask != 0 && p.HasFlags != p.HasMask {
		return fmt.Errorf("%w: %s: Flags must be accompanied by Mask", ErrInvalidParams, c)
	}
	return nil
}

// Validate checks request parameters the way NFD does before running a
// command (ndn-cxx validateRequest): required fields present, no field
// outside the format, Flags together with Mask where both are allowed, and
// the command's own rules (faces/destroy FaceId not 0, cs/erase Count not 0,
// strategy-choice/unset Name not "/"). An error wraps ErrInvalidParams; NFD
// answers it with 400 ValidationFailedText. Call it before ApplyDefaults.
// RibAnnounce has no ControlParameters and always passes.
func Validate(c Command, p *ControlParameters) error {
	if c == RibAnnounce {
		return nil
	}
	if c.Module() == "" {
		return fmt.Errorf("%w: %s", ErrUnknownCommand, c)
	}
	if err := checkFormat(c, c.Request(), p); err != nil {
		return err
	}
	switch c {
	case FacesDestroy:
		if p.FaceID == 0 {
			return fmt.Errorf("%w: %s: FaceId must be valid", ErrInvalidParams, c)
		}
	case CsErase:
		if p.HasCount && p.Count == 0 {
			return fmt.Errorf("%w: %s: Count must be positive", ErrInvalidParams, c)
		}
	case StrategyChoiceUnset:
		if p.Name.IsEmpty() {
			return fmt.Errorf("%w: %s: Name must not be /", ErrInvalidParams, c)
		}
	}
	return nil
}

// ValidateResponse checks the ControlParameters of a 200 response the way
// ndn-cxx's Controller does, for clients such as `ndnflow ctl`.
func ValidateResponse(c Command, p *ControlParameters) error {
	if c.Module() == "" {
		return fmt.Errorf("%w: %s", ErrUnknownCommand, c)
	}
	if err := checkFormat(c, c.Response(), p); err != nil {
		return err
	}
	switch c {
	case FacesCreate, FacesUpdate, FacesDestroy, FibAddNextHop, FibRemoveNextHop,
		RibRegister, RibUnregister, RibAnnounce:
		if p.FaceID == 0 {
			return fmt.Errorf("%w: %s: FaceId must be valid", ErrInvalidParams, c)
		}
	case CsErase:
		if p.HasCapacity && p.Capacity == 0 {
			return fmt.Errorf("%w: %s: Capacity must be positive", ErrInvalidParams, c)
		}
	case StrategyChoiceUnset:
		if p.Name.IsEmpty() {
			return fmt.Errorf("%w: %s: Name must not be /", ErrInvalidParams, c)
		}
	}
	return nil
}

// ApplyDefaults fills the fields NFD defaults before a handler runs
// (ndn-cxx applyDefaultsToRequest) and then, as NFD's handlers do, replaces
// FaceId 0 with requesterFaceID (the IncomingFaceId of the command):
//
//	faces/create         FacePersistency = persistent
//	faces/update         FaceId = requester
//	fib/add-nexthop      FaceId = requester, Cost = 0
//	fib/remove-nexthop   FaceId = requester
//	rib/register         FaceId = requester, Origin = app (0), Cost = 0, Flags = CHILD_INHERIT
//	rib/unregister       FaceId = requester, Origin = app (0)
//
// If requesterFaceID is 0 (unknown), FaceId stays 0; NFD then answers
// faces/update with 404 and fib/add-nexthop with 410.
func ApplyDefaults(c Command, p *ControlParameters, requesterFaceID uint64) {
	selfFace := func() {
		if !p.HasFaceID {
			p.FaceID, p.HasFaceID = 0, true
		}
		if p.FaceID == 0 {
			p.FaceID = requesterFaceID
		}
	}
	switch c {
	case FacesCreate:
		if !p.HasFacePersistency {
			p.FacePersistency, p.HasFacePersistency = PersistencyPersistent, true
		}
	case FacesUpdate, FibRemoveNextHop:
		selfFace()
	case FibAddNextHop:
		selfFace()
		if !p.HasCost {
			p.Cost, p.HasCost = 0, true
		}
	case RibRegister:
		selfFace()
		if !p.HasOrigin {
			p.Origin, p.HasOrigin = OriginApp, true
		}
		if !p.HasCost {
			p.Cost, p.HasCost = 0, true
		}
		if !p.HasFlags {
			p.Flags, p.HasFlags = RouteChildInherit, true
		}
	case RibUnregister:
		selfFace()
		if !p.HasOrigin {
			p.Origin, p.HasOrigin = OriginApp, true
		}
	}
}

// ResponseParams returns the body of c's 200 response: the effective
// parameters p restricted to the fields of c.Response().
func (c Command) ResponseParams(p *ControlParameters) ControlParameters {
	return p.Keep(c.Response().Allowed())
}
