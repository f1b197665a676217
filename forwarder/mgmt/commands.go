package mgmt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder"
	"github.com/ndnflow/ndnflow/forwarder/lpm"
	"github.com/ndnflow/ndnflow/forwarder/rib"
	"github.com/ndnflow/ndnflow/forwarder/strategy"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
)

// maxDepth is NFD's FIB, RIB and strategy-choice depth limit.
const maxDepth = 32

// csEraseLimit is the most CS entries one cs/erase removes (NFD's
// ERASE_LIMIT).
const csEraseLimit = 256

// minMTU is the smallest MTU faces/create accepts; faces/update leaves the
// check to face.Face.CanSetMTU, which uses the same bound.
const minMTU = face.MinMTU

const textOK = "OK"

// command runs a validated, defaulted command.
func (s *Server) command(r *request, c nfd.Command, p *nfd.ControlParameters) {
	switch c {
	case nfd.FacesCreate:
		s.facesCreate(r, p)
	case nfd.FacesUpdate:
		s.facesUpdate(r, p)
	case nfd.FacesDestroy:
		_ = s.fw.RemoveFace(p.FaceID)
		s.respond(r, nfd.StatusOK, textOK, ptr(c.ResponseParams(p)))
	case nfd.FibAddNextHop:
		switch {
		case p.Name.Len() > maxDepth:
			s.respond(r, nfd.StatusPrefixTooLong, fmt.Sprintf("FIB entry prefix cannot exceed %d components", maxDepth), nil)
		case s.fw.AddNextHop(p.Name, p.FaceID, p.Cost) != nil:
			s.respond(r, nfd.StatusFaceGone, "Face not found", nil)
		default:
			s.respond(r, nfd.StatusOK, textOK, ptr(c.ResponseParams(p)))
		}
	case nfd.FibRemoveNextHop:
		s.fw.RemoveNextHop(p.Name, p.FaceID)
		s.respond(r, nfd.StatusOK, textOK, ptr(c.ResponseParams(p)))
	case nfd.RibRegister:
		s.ribRegister(r, p)
	case nfd.RibUnregister:
		s.rib.Unregister(p.Name, p.FaceID, uint16(p.Origin))
		s.respond(r, nfd.StatusOK, textOK, ptr(c.ResponseParams(p)))
	case nfd.RibAnnounce:
		s.ribAnnounce(r)
	case nfd.StrategyChoiceSet:
		s.strategySet(r, p)
	case nfd.StrategyChoiceUnset:
		_ = s.fw.UnsetStrategy(p.Name)
		s.respond(r, nfd.StatusOK, textOK, ptr(c.ResponseParams(p)))
	case nfd.CsConfig:
		s.csConfig(r, p)
	case nfd.CsErase:
		s.csErase(r, p)
	}
}

func ptr[T any](v T) *T { return &v }

func (s *Server) ribRegister(r *request, p *nfd.ControlParameters) {
	if p.Name.Len() > maxDepth {
		s.respond(r, nfd.StatusPrefixTooLong, fmt.Sprintf("Route prefix cannot exceed %d components", maxDepth), nil)
		return
	}
	rt := rib.Route{FaceID: p.FaceID, Origin: uint16(p.Origin), Cost: p.Cost, Flags: p.Flags}
	if p.HasExpirationPeriod {
		rt.Expires = s.opts.Now().Add(p.ExpirationPeriod)
	}
	// NFD answers before updating the FIB; a route to a face that does
	// not exist is dropped by the RIB.
	s.respond(r, nfd.StatusOK, textOK, ptr(nfd.RibRegister.ResponseParams(p)))
	if err := s.rib.Register(p.Name, rt); err != nil {
		s.log.Debug("mgmt: rib/register", "name", p.Name, "face", p.FaceID, "err", err)
	} else {
		s.watch(p.FaceID)
	}
}

func (s *Server) ribAnnounce(r *request) {
	// NFD's dispatcher drops a command whose parameters (here the
	// announcement in ApplicationParameters) do not decode, without a
	// response.
	if !r.interest.HasAppParams {
		return
	}
	paData, pa, err := nfd.DecodeAnnounceParams(r.interest.AppParams)
	if err != nil {
		return
	}
	now := s.opts.Now()
	if pa.Announced.Len() > maxDepth {
		s.respond(r, nfd.StatusPrefixTooLong, fmt.Sprintf("Route prefix cannot exceed %d components", maxDepth), nil)
		return
	}
	if pa.HasValidity() && (now.Before(pa.NotBefore) || now.After(pa.NotAfter)) {
		s.respond(r, nfd.StatusUnauthorized, "Prefix announcement rejected: outside its validity period", nil)
		return
	}
	faceID := s.requester(r)
	resp := pa.AnnounceRoute(faceID, now)
	s.respond(r, nfd.StatusOK, textOK, &resp)
	rt := rib.Route{FaceID: faceID, Origin: uint16(nfd.OriginPrefixAnn), Cost: nfd.PrefixAnnCost,
		Flags: nfd.PrefixAnnFlags, Expires: pa.ExpiresAt(now),
		Announcement: bytes.Clone(paData.Wire()), AnnExpires: pa.ExpiresAt(now)}
	if err := s.rib.Register(pa.Announced, rt); err == nil {
		s.watch(faceID)
	}
}

func (s *Server) strategySet(r *request, p *nfd.ControlParameters) {
	if p.Name.Len() > maxDepth {
		s.respond(r, nfd.StatusPrefixTooLong, fmt.Sprintf("Prefix has too many components (limit is %d)", maxDepth), nil)
		return
	}
	canon, err := s.fw.SetStrategy(p.Name, p.Strategy)
	switch {
	case err == nil:
		resp := *p
		resp.Strategy = canon
		s.respond(r, nfd.StatusOK, textOK, ptr(nfd.StrategyChoiceSet.ResponseParams(&resp)))
	case errors.Is(err, strategy.ErrUnknown):
		s.respond(r, nfd.StatusNotFound, "Strategy not registered", nil)
	case errors.Is(err, lpm.ErrTooDeep):
		s.respond(r, nfd.StatusPrefixTooLong, fmt.Sprintf("Prefix has too many components (limit is %d)", maxDepth), nil)
	default:
		s.respond(r, nfd.StatusConflict, "Error instantiating strategy: "+err.Error(), nil)
	}
}

func (s *Server) csConfig(r *request, p *nfd.ControlParameters) {
	capacity := -1
	if p.HasCapacity {
		capacity = int(min(p.Capacity, 1<<31-1))
	}
	var admit, serve *bool
	if v, ok := p.FlagBit(nfd.CsBitEnableAdmit); ok {
		admit = &v
	}
	if v, ok := p.FlagBit(nfd.CsBitEnableServe); ok {
		serve = &v
	}
	if err := s.fw.SetCsConfig(capacity, admit, serve); err != nil {
		s.respond(r, nfd.StatusInternalError, err.Error(), nil)
		return
	}
	ci := s.fw.CsInfo()
	resp := nfd.ControlParameters{Capacity: uint64(ci.Capacity), HasCapacity: true, HasFlags: true, Flags: csFlags(ci)}
	s.respond(r, nfd.StatusOK, textOK, &resp)
}

func csFlags(ci forwarder.CsInfo) uint64 {
	var f uint64
	if ci.Admit {
		f |= 1 << nfd.CsBitEnableAdmit
	}
	if ci.Serve {
		f |= 1 << nfd.CsBitEnableServe
	}
	return f
}

func (s *Server) csErase(r *request, p *nfd.ControlParameters) {
	want := uint64(1<<63 - 1)
	if p.HasCount {
		want = p.Count
	}
	n, err := s.fw.EraseCs(p.Name, int(min(want, csEraseLimit)))
	if err != nil {
		s.respond(r, nfd.StatusInternalError, err.Error(), nil)
		return
	}
	resp := nfd.ControlParameters{Name: p.Name, HasName: true, Count: uint64(n), HasCount: true}
	if n == csEraseLimit && want > csEraseLimit {
		resp.Capacity, resp.HasCapacity = csEraseLimit, true
	}
	s.respond(r, nfd.StatusOK, textOK, &resp)
}

// faceParams returns the properties NFD reports for a face in faces
// command responses (makeUpdateFaceResponse, plus the URIs for
// faces/create): flags without Mask, MTU capped at the largest packet.
func faceParams(f *face.Face, withURIs bool) nfd.ControlParameters {
	info := f.Info()
	p := nfd.ControlParameters{FaceID: f.ID(), HasFaceID: true,
		FacePersistency: nfd.FacePersistency(f.Persistency()), HasFacePersistency: true,
		Mtu: faceMTU(info), HasMtu: true, Flags: faceFlags(f), HasFlags: true}
	if withURIs {
		p.URI, p.HasURI = info.RemoteURI, true
		p.LocalURI, p.HasLocalURI = info.LocalURI, true
	}
	return p
}

// faceMTU is the MTU NFD reports: the transport's, at most the largest
// packet; unlimited (stream) transports report the largest packet.
func faceMTU(info face.TransportInfo) uint64 {
	if info.MTU <= 0 || info.MTU > face.MaxPacketLen {
		return face.MaxPacketLen
	}
	return uint64(info.MTU)
}

// faceFlags returns a face's flag bits: local fields when enabled, and
// congestion marking, which every ndnflow face does.
func faceFlags(f *face.Face) uint64 {
	fl := uint64(1) << nfd.FaceBitCongestionMarking
	if f.LocalFields() {
		fl |= 1 << nfd.FaceBitLocalFields
	}
	return fl
}

func (s *Server) findFaceByRemote(uri string) *face.Face {
	for _, f := range s.fw.Faces() {
		if f.Info().RemoteURI == uri && f.State() != face.StateClosed {
			return f
		}
	}
	return nil
}

func (s *Server) facesCreate(r *request, p *nfd.ControlParameters) {
	u, err := nfd.ParseFaceURI(p.URI)
	if err != nil {
		s.respond(r, nfd.StatusMalformed, "Malformed command", nil)
		return
	}
	if !u.IsCanonical() {
		s.respond(r, nfd.StatusMalformed, "Non-canonical remote URI", nil)
		return
	}
	if p.HasLocalURI {
		lu, err := nfd.ParseFaceURI(p.LocalURI)
		if err != nil {
			s.respond(r, nfd.StatusMalformed, "Malformed command", nil)
			return
		}
		if !lu.IsCanonical() {
			s.respond(r, nfd.StatusMalformed, "Non-canonical local URI", nil)
			return
		}
	}
	var proto string
	switch u.Scheme {
	case "udp4", "udp6":
		proto = "UDP"
	case "tcp4", "tcp6":
		proto = "TCP"
	default:
		s.respond(r, nfd.StatusNotAcceptable, "Unsupported protocol", nil)
		return
	}
	// The checks of NFD's TCP and UDP factories, in their order.
	if p.HasLocalURI {
		s.respond(r, nfd.StatusNotAcceptable, "Unicast "+proto+" faces cannot be created with a LocalUri", nil)
		return
	}
	pers := face.Persistency(p.FacePersistency)
	if pers == face.PersistencyOnDemand {
		s.respond(r, nfd.StatusNotAcceptable, "Outgoing "+proto+" faces do not support on-demand persistency", nil)
		return
	}
	if pers > face.PersistencyPermanent {
		s.respond(r, nfd.StatusNotAcceptable, "Unsupported persistency", nil)
		return
	}
	ap, _ := u.AddrPort()
	if proto == "UDP" && ap.Addr().IsMulticast() {
		s.respond(r, nfd.StatusNotAcceptable, "Cannot create multicast UDP faces", nil)
		return
	}
	wantLocal, _ := p.FlagBit(nfd.FaceBitLocalFields)
	if wantLocal && (proto == "UDP" || !ap.Addr().Unmap().IsLoopback()) {
		s.respond(r, nfd.StatusNotAcceptable, "Local fields can only be enabled on faces with local scope", nil)
		return
	}
	if p.HasMtu {
		if proto == "TCP" {
			s.respond(r, nfd.StatusNotAcceptable, "TCP faces do not support MTU overrides", nil)
			return
		}
		if p.Mtu < minMTU {
			s.respond(r, nfd.StatusNotAcceptable, fmt.Sprintf("Override MTU cannot be less than %d", minMTU), nil)
			return
		}
	}
	// NFD's channel finds an existing face for the endpoint.
	if f := s.findFaceByRemote(u.String()); f != nil {
		s.respond(r, nfd.StatusConflict, "Face with remote URI already exists", ptr(faceParams(f, true)))
		return
	}
	// Connecting may take a while: answer from a goroutine of its own.
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), s.opts.DialTimeout)
		defer cancel()
		go func() {
			select {
			case <-s.done:
				cancel()
			case <-ctx.Done():
			}
		}()
		t, err := s.opts.Dial(ctx, u, pers)
		if errors.Is(err, face.ErrExists) {
			// A datagram from that peer made an on-demand face meanwhile.
			if f := s.findFaceByRemote(u.String()); f != nil {
				s.respond(r, nfd.StatusConflict, "Face with remote URI already exists", ptr(faceParams(f, true)))
				return
			}
		}
		switch {
		case err != nil && ctx.Err() != nil:
			s.respond(r, nfd.StatusFaceCreationFailed, "Connection timed out", nil)
			return
		case err != nil:
			s.respond(r, nfd.StatusFaceCreationFailed, "Connection failed: "+err.Error(), nil)
			return
		}
		if wantLocal && t.Info().Scope != face.ScopeLocal {
			t.Close()
			s.respond(r, nfd.StatusNotAcceptable, "Local fields can only be enabled on faces with local scope", nil)
			return
		}
		cfg := face.Config{Persistency: pers, LocalFields: wantLocal}
		if p.HasMtu {
			cfg.MTU = int(min(p.Mtu, uint64(face.MaxFrameLen)))
		}
		f := s.fw.AddFace(t, cfg)
		s.watch(f.ID())
		s.respond(r, nfd.StatusOK, textOK, ptr(faceParams(f, true)))
	}()
}

// updateMTU converts a faces/update Mtu for face.Face.SetMTU; values beyond
// int32 only mean "the transport's MTU".
func updateMTU(mtu uint64) int { return int(min(mtu, math.MaxInt32)) }

func (s *Server) facesUpdate(r *request, p *nfd.ControlParameters) {
	if p.FaceID == 0 {
		s.respond(r, nfd.StatusNotFound, "No FaceId specified and IncomingFaceId not available", nil)
		return
	}
	f, ok := s.fw.Face(p.FaceID)
	if !ok {
		s.respond(r, nfd.StatusNotFound, "Specified face does not exist", nil)
		return
	}
	bad := nfd.ControlParameters{}
	invalid := false
	if v, ok := p.FlagBit(nfd.FaceBitLocalFields); ok && v && f.Info().Scope != face.ScopeLocal {
		bad.SetFlagBit(nfd.FaceBitLocalFields, true)
		invalid = true
	}
	if p.HasFacePersistency && (p.FacePersistency > nfd.PersistencyPermanent ||
		p.FacePersistency == nfd.PersistencyOnDemand && !f.Info().OnDemand) {
		bad.FacePersistency, bad.HasFacePersistency = p.FacePersistency, true
		invalid = true
	}
	// NFD's canOverrideMtuTo: refused below 64 and on transports that do
	// not fragment (streams, unlimited MTU).
	if p.HasMtu && f.CanSetMTU(updateMTU(p.Mtu)) != nil {
		bad.Mtu, bad.HasMtu = p.Mtu, true
		invalid = true
	}
	if invalid {
		s.respond(r, nfd.StatusConflict, "Invalid properties specified", &bad)
		return
	}
	if p.HasMtu {
		// Cannot fail: CanSetMTU accepted it and depends only on the
		// transport's fixed Info. The face's MTU becomes the smaller of
		// Mtu and the transport's, which the response reports.
		_ = f.SetMTU(updateMTU(p.Mtu))
	}
	if p.HasFacePersistency {
		f.SetPersistency(face.Persistency(p.FacePersistency))
	}
	if v, ok := p.FlagBit(nfd.FaceBitLocalFields); ok {
		_ = f.SetLocalFields(v)
	}
	s.respond(r, nfd.StatusOK, textOK, ptr(faceParams(f, false)))
}
