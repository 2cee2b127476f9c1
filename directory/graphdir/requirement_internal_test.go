package graphdir

import (
	"net/http"
	"testing"

	"github.com/cloudhub/consent/directory"
	"github.com/google/go-cmp/cmp"
)

// A $batch item not run (424) because the item it depended on was denied
// says what the denied one needed; other answers name nothing.
func TestRequirementThroughFailedDependency(t *testing.T) {
	denied := parseError(opDeleteRoleAssignment, `"a"`, http.StatusForbidden, nil, []byte(`{"error":{"code":"Authorization_RequestDenied"}}`), nil)
	denied.need = endpointDeleteRoleAssignment
	dependent := parseError(opDeleteUser, `"u"`, http.StatusFailedDependency, nil, nil, denied)
	dependent.need = endpointDeleteUser
	got, ok := directory.RequirementOf(dependent)
	if !ok {
		t.Fatalf("%v carries no requirement", dependent)
	}
	if diff := cmp.Diff(endpointDeleteRoleAssignment.requirement(), got); diff != "" {
		t.Errorf("requirement (-want +got):\n%s", diff)
	}
	for _, status := range []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusTooManyRequests} {
		e := parseError(opGetUser, `"x"`, status, nil, nil, nil)
		e.need = endpointGetUser
		if r, ok := directory.RequirementOf(e); ok {
			t.Errorf("%d carries requirement %+v", status, r)
		}
	}
}
