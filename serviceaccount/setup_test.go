package serviceaccount_test

import (
	"context"
	"errors"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
)

// Template IDs of the roles the tests assign.
const (
	teamsAdminID       = "69091246-20e8-4a56-aa4d-066075b2a7a8"
	exchangeAdminID    = "29232cdf-9323-42fd-ade2-1d097af3e4de"
	globalAdminID      = "62e90394-69f5-4237-9190-012177145e10"
	globalReaderID     = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
	complianceAdminID  = "17315797-102d-40b4-93e0-432062caca18"
	testUPN            = "svc-cloudhub@contoso.onmicrosoft.com"
	firstUserID        = "11111111-0000-4000-8000-000000000001"
	unknownButValidID  = "11111111-0000-4000-8000-000000000999"
	testDisplayName    = "CloudHub service account"
	testUsageLocation  = "AU"
	fakeClockStartUnix = 1748768400 // 2025-06-01T09:00:00Z
)

// validSpec returns a spec that passes validation: Teams and Exchange admin.
func validSpec() serviceaccount.Spec {
	return serviceaccount.Spec{
		UserPrincipalName: testUPN,
		DisplayName:       testDisplayName,
		UsageLocation:     testUsageLocation,
		Workloads:         []roles.Workload{roles.Teams, roles.Exchange},
		Access:            roles.Admin,
	}
}

// fakeClock is a controllable clock: Sleep advances it instead of sleeping.
// It is safe for concurrent use.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Unix(fakeClockStartUnix, 0).UTC()}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	return nil
}

func (c *fakeClock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.slept)
}

// newFake returns a Fake on a fresh fake clock, with the default verified
// domain.
func newFake(t *testing.T) (*directorytest.Fake, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	return directorytest.New(&directorytest.Options{Now: clk.Now}), clk
}

// newProvisioner returns a Provisioner over dir that waits on clk.
func newProvisioner(dir directory.Directory, clk *fakeClock, opts *serviceaccount.Options) *serviceaccount.Provisioner {
	o := serviceaccount.Options{}
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = clk.Now
	}
	if o.Sleep == nil {
		o.Sleep = clk.Sleep
	}
	return serviceaccount.New(dir, &o)
}

// provisioned provisions spec on a fresh Fake and returns the Fake with its
// calls reset.
func provisioned(t *testing.T, spec serviceaccount.Spec) (*directorytest.Fake, *serviceaccount.Provisioner, serviceaccount.Result) {
	t.Helper()
	fake, clk := newFake(t)
	p := newProvisioner(fake, clk, nil)
	res, err := p.Provision(context.Background(), spec)
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	fake.ResetCalls()
	return fake, p, res
}

// heldRoles returns the sorted "roleID@scope" of every assignment of the
// principal.
func heldRoles(t *testing.T, dir directory.Directory, principalID string) []string {
	t.Helper()
	as, err := dir.RoleAssignments(context.Background(), principalID)
	if err != nil {
		t.Fatalf("RoleAssignments(%s): %v", principalID, err)
	}
	out := []string{}
	for _, a := range as {
		out = append(out, a.RoleDefinitionID+"@"+a.DirectoryScopeID)
	}
	sort.Strings(out)
	return out
}

func atTenant(ids ...string) []string {
	out := []string{}
	for _, id := range ids {
		out = append(out, id+"@/")
	}
	sort.Strings(out)
	return out
}

// userExists reports whether the Fake holds a user with the UPN or ID.
func userExists(t *testing.T, fake *directorytest.Fake, idOrUPN string) bool {
	t.Helper()
	_, err := fake.User(context.Background(), idOrUPN)
	switch {
	case err == nil:
		return true
	case errors.Is(err, directory.ErrNotFound):
		return false
	default:
		t.Fatalf("User(%q): %v", idOrUPN, err)
		return false
	}
}

// fieldErrors returns every *FieldError in err's tree.
func fieldErrors(err error) []*serviceaccount.FieldError {
	var out []*serviceaccount.FieldError
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if fe, ok := err.(*serviceaccount.FieldError); ok {
			out = append(out, fe)
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	return out
}

// writeOps returns the ops of the write calls recorded by the Fake.
func writeOps(fake *directorytest.Fake) []directorytest.Op {
	var out []directorytest.Op
	for _, c := range fake.Calls() {
		if c.Op.IsWrite() {
			out = append(out, c.Op)
		}
	}
	return out
}

// primitivesOnly hides the Fake's optional interfaces, so that the
// Provisioner falls back to one call per primitive.
type primitivesOnly struct{ directory.Directory }
