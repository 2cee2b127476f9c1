package verify_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
)

// start is the simulated clock's starting time.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// clock is a simulated clock that moves only when told to, so reports carry
// stable timestamps.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: start} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

// tenant is an in-memory tenant on a simulated clock.
type tenant struct {
	*directorytest.Fake
	clock *clock
}

func newTenant() *tenant {
	c := newClock()
	return &tenant{Fake: directorytest.New(&directorytest.Options{Now: c.Now}), clock: c}
}

// verifier returns a Verifier reading dir, stamping reports with the
// tenant's clock.
func (tn *tenant) verifier(dir directory.Directory) *verify.Verifier {
	return verify.New(dir, &verify.Options{Now: tn.clock.Now})
}

// teamsSpec is the service account every rule test starts from.
func teamsSpec(upn string) serviceaccount.Spec {
	return serviceaccount.Spec{
		UserPrincipalName: upn,
		DisplayName:       "CloudHub service account",
		UsageLocation:     "AU",
		Workloads:         []roles.Workload{roles.Teams},
		Access:            roles.Admin,
	}
}

// provision creates the account the way the partner's tool does and returns
// the Account that describes it.
func (tn *tenant) provision(t testing.TB, spec serviceaccount.Spec) serviceaccount.Account {
	t.Helper()
	p := serviceaccount.New(tn.Fake, &serviceaccount.Options{Now: tn.clock.Now, Sleep: tn.clock.Sleep})
	res, err := p.Provision(context.Background(), spec)
	if err != nil {
		t.Fatalf("Provision(%s): %v", spec.UserPrincipalName, err)
	}
	return res.Account
}

// ownerSteps acts out what the account's owner does after provisioning: the
// first sign-in an hour later (replacing the temporary password) when
// signIn is set, then registering each method.
func (tn *tenant) ownerSteps(t testing.TB, userID string, signIn bool, methods ...directory.MethodType) {
	t.Helper()
	ctx := context.Background()
	tn.clock.Advance(time.Hour)
	if signIn {
		if err := tn.SignIn(ctx, userID, "Owner-Chosen-Passphrase-2026!"); err != nil {
			t.Fatalf("SignIn(%s): %v", userID, err)
		}
	}
	for _, m := range methods {
		if _, err := tn.RegisterMethod(ctx, userID, m, string(m)); err != nil {
			t.Fatalf("RegisterMethod(%s, %s): %v", userID, m, err)
		}
	}
}

// passingAccount provisions a Teams account that passes every check.
func (tn *tenant) passingAccount(t testing.TB, upn string) serviceaccount.Account {
	t.Helper()
	acct := tn.provision(t, teamsSpec(upn))
	tn.ownerSteps(t, acct.ID, true, directory.MethodMicrosoftAuthenticator)
	return acct
}

// assign adds a role by hand, the way an admin would in the admin center.
func (tn *tenant) assign(t testing.TB, userID, role, scope string) {
	t.Helper()
	r, ok := roles.Lookup(role)
	if !ok {
		t.Fatalf("no role %q", role)
	}
	if _, err := tn.CreateRoleAssignment(context.Background(), directory.RoleAssignment{
		PrincipalID: userID, RoleDefinitionID: r.ID, DirectoryScopeID: scope,
	}); err != nil {
		t.Fatalf("assign %s at %s: %v", role, scope, err)
	}
}

// unassign removes the account's assignment of role at scope.
func (tn *tenant) unassign(t testing.TB, userID, role, scope string) {
	t.Helper()
	ctx := context.Background()
	r, _ := roles.Lookup(role)
	as, err := tn.RoleAssignments(ctx, userID)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(as, func(a directory.RoleAssignment) bool {
		return a.RoleDefinitionID == r.ID && a.DirectoryScopeID == scope
	})
	if i < 0 {
		t.Fatalf("%s holds no %s at %s", userID, role, scope)
	}
	if err := tn.DeleteRoleAssignment(ctx, as[i].ID); err != nil {
		t.Fatal(err)
	}
}

// editedSnapshots answers Snapshot with what the directory it wraps
// answered, changed by edit: the way to show Verify facts the Fake cannot
// hold (a custom role, a property the service did not return).
type editedSnapshots struct {
	directory.Directory
	edit func(*directory.Snapshot)
}

var _ directory.Snapshotter = editedSnapshots{}

func (d editedSnapshots) Snapshot(ctx context.Context, req directory.SnapshotRequest) (directory.Snapshot, error) {
	s, err := directory.ReadSnapshot(ctx, d.Directory, req)
	if err == nil {
		d.edit(&s)
	}
	return s, err
}

// deniedReads answers Snapshot as the directory it wraps does, except that
// the parts the credential may not read fail with a permission error, the
// way Microsoft Graph answers 403 inside a $batch.
type deniedReads struct {
	directory.Directory
	methods, roles bool
	// silent denials do not say what the read needed.
	silent bool
}

// denied is the error of a denied op on object.
func (d deniedReads) denied(op directorytest.Op, object string) error {
	if d.silent {
		return fmt.Errorf("graph: %s %q: 403 Authorization_RequestDenied: %w", op, object, directory.ErrPermission)
	}
	return directorytest.PermissionDenied(op, object)
}

var _ directory.Snapshotter = deniedReads{}

func (d deniedReads) Snapshot(ctx context.Context, req directory.SnapshotRequest) (directory.Snapshot, error) {
	s, err := directory.ReadSnapshot(ctx, d.Directory, req)
	if err != nil {
		return s, err
	}
	if d.methods && req.AuthenticationMethods {
		s.AuthenticationMethods = nil
		s.AuthenticationMethodsErr = d.denied(directorytest.OpAuthenticationMethods, req.User)
	}
	if d.roles && req.RoleAssignments {
		s.RoleAssignments = nil
		s.RoleAssignmentsErr = d.denied(directorytest.OpRoleAssignments, req.User)
	}
	return s, nil
}

func (d deniedReads) String() string {
	if d.silent {
		return d.loud().String() + " silently"
	}
	switch {
	case d.methods && d.roles:
		return "methods+roles denied"
	case d.methods:
		return "methods denied"
	case d.roles:
		return "roles denied"
	}
	return "nothing denied"
}

func (d deniedReads) loud() deniedReads { d.silent = false; return d }

// primitivesOnly hides the optional interfaces of the directory it wraps,
// so that Verify falls back to one call per primitive, except
// RolePathReader, SignInActivityReader, SignInPolicyReader and
// MemberOfReader: the primitives the fallback reads role paths, sign-in
// activity, sign-in policies and groups with.
type primitivesOnly struct{ directory.Directory }

func (p primitivesOnly) RolePaths(ctx context.Context, userID string) (directory.RolePaths, error) {
	return directory.ReadRolePaths(ctx, p.Directory, userID)
}

func (p primitivesOnly) SignInActivity(ctx context.Context, userID string) (directory.SignInActivity, error) {
	return directory.ReadSignInActivity(ctx, p.Directory, userID)
}

// noRolePaths hides every optional interface, RolePathReader included: a
// backend that cannot read PIM eligibility or group memberships.
type noRolePaths struct{ directory.Directory }

func (p primitivesOnly) SignInPolicies(ctx context.Context) (directory.SignInPolicies, error) {
	return directory.ReadSignInPolicies(ctx, p.Directory)
}

func (p primitivesOnly) TransitiveMemberOf(ctx context.Context, userID string) ([]directory.Group, error) {
	return directory.ReadTransitiveMemberOf(ctx, p.Directory, userID)
}

// statusIDs returns the IDs of the checks with the given status, sorted.
func statusIDs(r verify.Report, s verify.Status) []string {
	var ids []string
	for _, c := range r.Checks {
		if c.Status == s {
			ids = append(ids, c.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// sorted returns a sorted copy of ids (nil when empty, like statusIDs).
func sorted(ids ...string) []string {
	if len(ids) == 0 {
		return nil
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// ruleIDs are the rules every report holds, in report order.
var ruleIDs = []string{
	verify.CheckExists, verify.CheckEnabled, verify.CheckMember, verify.CheckCloudOnly,
	verify.CheckUsageLocation, verify.CheckPasswordChanged, verify.CheckMFARegistered,
	verify.CheckMFAEnforced, verify.CheckMFAPhishingResistant, verify.CheckRolesAssigned, verify.CheckLeastPrivilege, verify.CheckNoUnexpectedPrivAdm,
}

// checkInvariants asserts what holds for every report: every rule once, in
// order; a title, severity and evidence on every check; a remediation on
// every check that did not pass outright; Passed and Failed agreeing with
// the statuses.
func checkInvariants(t testing.TB, rep verify.Report, privilegedExpected bool) {
	t.Helper()
	var ids []string
	for _, c := range rep.Checks {
		ids = append(ids, c.ID)
	}
	want := slices.Clone(ruleIDs)
	if privilegedExpected {
		want = append(want, verify.CheckPrivilegedExpected)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("check IDs = %q, want %q", ids, want)
	}
	var failed []string
	for _, c := range rep.Checks {
		switch c.Status {
		case verify.StatusPass, verify.StatusWarn, verify.StatusFail, verify.StatusUnknown:
		default:
			t.Errorf("%s: status %q is not one of the four", c.ID, c.Status)
		}
		switch c.Severity {
		case verify.SeverityInfo, verify.SeverityHigh, verify.SeverityCritical:
		default:
			t.Errorf("%s: severity %q is not one of the three", c.ID, c.Severity)
		}
		if c.Title == "" || c.Evidence == "" {
			t.Errorf("%s (%s): title %q, evidence %q: both must be set", c.ID, c.Status, c.Title, c.Evidence)
		}
		if c.Status != verify.StatusPass && c.Remediation == "" {
			t.Errorf("%s (%s, evidence %q) has no remediation", c.ID, c.Status, c.Evidence)
		}
		if c.Status == verify.StatusPass && c.Remediation != "" {
			t.Errorf("%s passed but has remediation %q", c.ID, c.Remediation)
		}
		if c.Passed() != (c.Status == verify.StatusPass || c.Status == verify.StatusWarn) {
			t.Errorf("%s (%s): Passed() = %v", c.ID, c.Status, c.Passed())
		}
		if !c.Passed() {
			failed = append(failed, c.ID)
		}
	}
	var gotFailed []string
	for _, c := range rep.Failed() {
		gotFailed = append(gotFailed, c.ID)
	}
	if !slices.Equal(gotFailed, failed) {
		t.Errorf("Failed() = %q, want %q", gotFailed, failed)
	}
	if rep.Passed() != (len(failed) == 0) {
		t.Errorf("Passed() = %v with %d checks not passed", rep.Passed(), len(failed))
	}
}

// severities are the rules' fixed severities: a rule's severity does not
// depend on its outcome.
var severities = map[string]verify.Severity{
	verify.CheckExists:               verify.SeverityCritical,
	verify.CheckEnabled:              verify.SeverityHigh,
	verify.CheckMember:               verify.SeverityHigh,
	verify.CheckCloudOnly:            verify.SeverityHigh,
	verify.CheckUsageLocation:        verify.SeverityInfo,
	verify.CheckPasswordChanged:      verify.SeverityHigh,
	verify.CheckMFARegistered:        verify.SeverityHigh,
	verify.CheckMFAEnforced:          verify.SeverityHigh,
	verify.CheckMFAPhishingResistant: verify.SeverityHigh,
	verify.CheckRolesAssigned:        verify.SeverityHigh,
	verify.CheckLeastPrivilege:       verify.SeverityHigh,
	verify.CheckNoUnexpectedPrivAdm:  verify.SeverityCritical,
	verify.CheckPrivilegedExpected:   verify.SeverityHigh,
}

func checkSeverities(t testing.TB, rep verify.Report) {
	t.Helper()
	for _, c := range rep.Checks {
		if want := severities[c.ID]; c.Severity != want {
			t.Errorf("%s (%s): severity %q, want %q", c.ID, c.Status, c.Severity, want)
		}
	}
}

// mustCheck returns the report's check id.
func mustCheck(t testing.TB, rep verify.Report, id string) verify.Check {
	t.Helper()
	c, ok := rep.Check(id)
	if !ok {
		t.Fatalf("report has no check %s", id)
	}
	return c
}

// errPermission is what a backend returns when the credential may not read
// a user.
func errPermission(object string) error {
	return fmt.Errorf("graph: get user %q: 403 Authorization_RequestDenied: %w", object, directory.ErrPermission)
}
