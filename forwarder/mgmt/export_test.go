package mgmt

// ServeWire hands an Interest to the worker as if it had arrived on the
// management face from face inFace, and waits until it is handled. It
// reports false when wire is not an Interest or the server is closed.
func ServeWire(s *Server, wire []byte, inFace uint64) bool {
	var r request
	if r.interest.Decode(append([]byte(nil), wire...)) != nil {
		return false
	}
	r.inFace = inFace
	r.done = make(chan struct{})
	select {
	case s.reqs <- r:
	case <-s.done:
		return false
	}
	select {
	case <-r.done:
		return true
	case <-s.done:
		return false
	}
}
