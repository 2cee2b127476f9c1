package graphdir

import "testing"

// Every endpoint says what a denied request to it needed: a 403 always
// carries a directory.Requirement for verify to render.
func TestEveryEndpointHasARequirement(t *testing.T) {
	for e := endpointNone + 1; e < endpointCount; e++ {
		if r := e.requirement(); len(r.Permissions) == 0 {
			t.Errorf("endpoint %d: requirement %+v names no permission", e, r)
		}
	}
}
