package cert

import "errors"

// Sentinel errors; compare with errors.Is.
var (
	// ErrNotCert means a Data is not a certificate: wrong name shape,
	// ContentType, Content or missing ValidityPeriod. The wrapping error says which.
	ErrNotCert = errors.New("cert: not a certificate")
	// ErrExpired means now is after the certificate's NotAfter.
	ErrExpired = errors.New("cert: certificate expired")
	// ErrNotYetValid means now is before the certificate's NotBefore.
	ErrNotYetValid = errors.New("cert: certificate not yet valid")
)
