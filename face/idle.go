package face

import "time"

// IdleRemaining returns how much longer an on-demand face may receive
// nothing before it is closed for idleness (Config.IdleTimeout counted
// from the last received frame, or from New), at least 0; NFD reports
// it as the ExpirationPeriod of faces/list. ok is false when the face is
// not on-demand or has no idle timeout. It reads only atomics and fields
// fixed by New, so it is cheap and safe for concurrent use.
func (f *Face) IdleRemaining() (remaining time.Duration, ok bool) {
	if f.idle == nil || f.Persistency() != PersistencyOnDemand {
		return 0, false
	}
	idle := time.Duration(f.now() - f.lastRx.Load())
	return max(f.cfg.IdleTimeout-idle, 0), true
}
