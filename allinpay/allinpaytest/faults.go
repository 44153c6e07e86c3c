package allinpaytest

import "time"

// Fault makes the next Count requests (of Method, or of any method when
// Method is empty) misbehave. Status answers that HTTP status with a plain
// text body; otherwise FailMsg answers retcode=FAIL with that retmsg (not
// signed, as Allinpay signs only SUCCESS answers). Neither runs the request,
// so no state changes. Delay holds the answer back that long first (or until
// the request's context ends, in which case nothing runs either); a Fault
// with only Delay set answers normally after the delay: a slow server.
type Fault struct {
	Method  string
	Count   int // 0 means 1
	Status  int
	FailMsg string
	Delay   time.Duration
}

// InjectFault queues f; faults apply in the order queued, each to the
// requests it matches, until its count is used up.
func (s *Server) InjectFault(f Fault) {
	if f.Count <= 0 {
		f.Count = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault uses up one count of the first fault matching method.
func (s *Server) takeFault(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Method != "" && f.Method != method {
			continue
		}
		f.Count--
		if f.Count == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return *f, true
	}
	return Fault{}, false
}
