package strategy_test

import "github.com/ndnflow/ndnflow/face"

type faceScope uint8

func (f faceScope) s() face.Scope { return face.Scope(f) }
