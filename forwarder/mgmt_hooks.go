package forwarder

import (
	"errors"

	"github.com/ndnflow/ndnflow/face"
)

// This file holds what the management server (package forwarder/mgmt)
// needs of the forwarder beyond the table methods: attaching its face as
// FaceId 1.

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
