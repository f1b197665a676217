package mgmt

import (
	"github.com/ndnflow/ndnflow/face"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
)

// faceEvent is a face state change reported by a face's subscription.
type faceEvent struct {
	f        *face.Face
	old, new face.State
}

// notification returns the FaceEventNotification fields of a face.
func notification(kind nfd.FaceEventKind, f *face.Face) nfd.FaceEventNotification {
	st := FaceStatus(f)
	return nfd.FaceEventNotification{Kind: kind, FaceID: st.FaceID, URI: st.URI, LocalURI: st.LocalURI,
		FaceScope: st.FaceScope, FacePersistency: st.FacePersistency, LinkType: st.LinkType, Flags: st.Flags}
}

// watch subscribes to the state changes of face id (once).
func (s *Server) watch(id uint64) {
	f, ok := s.fw.Face(id)
	if !ok {
		return
	}
	s.faceMu.Lock()
	defer s.faceMu.Unlock()
	if _, ok := s.watched[id]; ok {
		return
	}
	s.watched[id] = f.Subscribe(func(f *face.Face, old, new face.State) {
		select {
		case s.events <- faceEvent{f, old, new}:
		case <-s.done:
		default:
			// The worker is behind; pollFaces notices closed faces too.
		}
	})
	if f.State() == face.StateClosed {
		select {
		case s.events <- faceEvent{f, face.StateUp, face.StateClosed}:
		default:
		}
	}
}

// pollFaces compares the face table with the last one seen: new faces are
// announced and watched, vanished ones handled as closed.
func (s *Server) pollFaces() {
	seen := map[uint64]bool{}
	for _, f := range s.fw.Faces() {
		id := f.ID()
		if f.State() == face.StateClosed {
			continue
		}
		seen[id] = true
		if _, ok := s.w.known[id]; !ok {
			n := notification(nfd.FaceEventCreated, f)
			s.w.known[id] = n
			if id != FaceID {
				s.notify(n)
			}
			s.watch(id)
		}
	}
	for id := range s.w.known {
		if !seen[id] {
			s.faceGone(id)
		}
	}
}

// faceGone handles a closed face: its routes go, and a "destroyed"
// notification is sent if the face had been announced.
func (s *Server) faceGone(id uint64) {
	s.rib.RemoveFace(id)
	s.faceMu.Lock()
	if c, ok := s.watched[id]; ok {
		c()
		delete(s.watched, id)
	}
	s.faceMu.Unlock()
	if n, ok := s.w.known[id]; ok {
		delete(s.w.known, id)
		n.Kind = nfd.FaceEventDestroyed
		if id != FaceID {
			s.notify(n)
		}
	}
}

func (s *Server) onFaceEvent(ev faceEvent) {
	id := ev.f.ID()
	switch ev.new {
	case face.StateClosed:
		s.faceGone(id)
	case face.StateUp, face.StateDown:
		if _, ok := s.w.known[id]; !ok {
			return
		}
		kind := nfd.FaceEventUp
		if ev.new == face.StateDown {
			kind = nfd.FaceEventDown
		}
		s.notify(notification(kind, ev.f))
	}
}
