package forwarder

import (
	"errors"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// This file holds what the management server (package forwarder/mgmt)
// needs of the forwarder beyond the table methods.

// ErrFaceID means AddFaceWithID was given a FaceId that is 0, not below
// FirstFaceID, or already in use.
var ErrFaceID = errors.New("forwarder: FaceId reserved range is 1-255 and must be free")

// AddFaceWithID is AddFace with a caller-chosen FaceId in the reserved range
// 1-255, for the forwarder's internal faces (NFD's management face is
// FaceId 1, internal://).
func (fw *Forwarder) AddFaceWithID(id uint64, t face.Transport, cfg face.Config) (*face.Face, error) {
	if id == 0 || id >= FirstFaceID {
		return nil, ErrFaceID
	}
	if _, ok := fw.faces.Load().m[id]; ok {
		return nil, ErrFaceID
	}
	d := newDispatcher(fw, id)
	cfg.ID = id
	cfg.Handler = d.handle
	cfg.Pool = fw.cfg.Pool
	if cfg.Logger == nil {
		cfg.Logger = fw.log
	}
	f := face.New(t, cfg)
	fw.attach(f, f)
	f.Subscribe(func(_ *face.Face, _, s face.State) {
		if s == face.StateClosed {
			fw.detach(id)
		}
	})
	if f.State() == face.StateClosed {
		fw.detach(id)
	}
	return f, nil
}

// Downstream returns the face that the pending Interest i (as the forwarder
// sent it to one of its faces) came from: the most recently renewed
// in-record of its PIT entry. NFD tags such Interests with IncomingFaceId;
// the management face uses this to resolve FaceId 0 ("the requester").
// It reports false when the entry is gone or the forwarder is closed.
func (fw *Forwarder) Downstream(i *ndn.Interest) (uint64, bool) {
	s := fw.shards[fw.interestShard(i.Name)]
	name := i.Name.Clone()
	cbp, mbf := i.CanBePrefix, i.MustBeFresh
	type result struct {
		face uint64
		ok   bool
	}
	ch := make(chan result, 1)
	fn := func() {
		h := name.PrefixHashes(fw.seed, nil)
		e := s.pit.FindPit(name, h[len(h)-1], cbp, mbf)
		var r result
		if e != nil {
			var last int64
			for _, in := range e.In {
				if !r.ok || in.LastRenewed > last {
					r, last = result{in.Face, true}, in.LastRenewed
				}
			}
		}
		ch <- r
	}
	select {
	case s.ctrl <- fn:
	case <-fw.done:
		return 0, false
	}
	select {
	case r := <-ch:
		return r.face, r.ok
	case <-fw.done:
		return 0, false
	}
}
