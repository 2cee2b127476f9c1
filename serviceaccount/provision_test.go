package serviceaccount_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// recordingDir records the NewUser of every CreateUser call, so that tests
// can see the password the directory received.
type recordingDir struct {
	*directorytest.Fake
	mu       sync.Mutex
	newUsers []directory.NewUser
}

func (d *recordingDir) CreateUser(ctx context.Context, nu directory.NewUser) (directory.User, error) {
	d.mu.Lock()
	d.newUsers = append(d.newUsers, nu)
	d.mu.Unlock()
	return d.Fake.CreateUser(ctx, nu)
}

func (d *recordingDir) NewUsers() []directory.NewUser {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]directory.NewUser(nil), d.newUsers...)
}

func TestProvisionCreates(t *testing.T) {
	fake, clk := newFake(t)
	dir := &recordingDir{Fake: fake}
	p := newProvisioner(dir, clk, nil)
	res, err := p.Provision(context.Background(), validSpec())
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	// One read, one create, one batch of assignments.
	wantCalls := []directorytest.Call{
		{Op: directorytest.OpSnapshot, Object: testUPN},
		{Op: directorytest.OpCreateUser, Object: testUPN},
		{Op: directorytest.OpCreateRoleAssignments, Object: firstUserID},
	}
	if diff := cmp.Diff(wantCalls, fake.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}

	u, err := fake.User(context.Background(), testUPN)
	if err != nil {
		t.Fatalf("User: %v", err)
	}
	created := clk.Now()
	want := directory.User{
		ID:                         firstUserID,
		UserPrincipalName:          testUPN,
		DisplayName:                testDisplayName,
		MailNickname:               "svc-cloudhub",
		AccountEnabled:             true,
		UserType:                   directory.UserTypeMember,
		UsageLocation:              "AU",
		CreatedDateTime:            created,
		LastPasswordChangeDateTime: created,
	}
	if diff := cmp.Diff(want, u, cmpopts.IgnoreFields(directory.User{}, "EmployeeType")); diff != "" {
		t.Errorf("user (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(u.EmployeeType, serviceaccount.MarkerPrefix) || len(u.EmployeeType) <= len(serviceaccount.MarkerPrefix) {
		t.Errorf("employeeType = %q, want the %q marker with a nonce", u.EmployeeType, serviceaccount.MarkerPrefix)
	}
	if !serviceaccount.IsManaged(u) {
		t.Errorf("IsManaged(%+v) = false", u)
	}
	if diff := cmp.Diff(atTenant(teamsAdminID, exchangeAdminID), heldRoles(t, fake, u.ID)); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}

	if !res.Created || res.Adopted {
		t.Errorf("Created, Adopted = %v, %v; want true, false", res.Created, res.Adopted)
	}
	wantAccount := serviceaccount.Account{
		ID: firstUserID, UserPrincipalName: testUPN,
		Workloads: []roles.Workload{roles.Teams, roles.Exchange}, Access: roles.Admin, UsageLocation: "AU",
	}
	if diff := cmp.Diff(wantAccount, res.Account); diff != "" {
		t.Errorf("Result.Account (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(u, res.User); diff != "" {
		t.Errorf("Result.User (-directory +result):\n%s", diff)
	}
	wantChanges := []serviceaccount.Change{
		{Action: serviceaccount.ActionCreateUser, Object: testUPN, Detail: "temporary password, must change at first sign-in"},
		{Action: serviceaccount.ActionAssignRole, Object: "Exchange Administrator", RoleID: exchangeAdminID, Scope: "/"},
		{Action: serviceaccount.ActionAssignRole, Object: "Teams Administrator", RoleID: teamsAdminID, Scope: "/"},
	}
	if diff := cmp.Diff(wantChanges, res.Changes); diff != "" {
		t.Errorf("Result.Changes (-want +got):\n%s", diff)
	}
	if len(res.Unexpected) != 0 || len(res.Warnings) != 0 {
		t.Errorf("Unexpected, Warnings = %v, %q; want none", res.Unexpected, res.Warnings)
	}

	pw := res.Password.Reveal()
	checkGeneratedPassword(t, pw)
	nus := dir.NewUsers()
	if len(nus) != 1 {
		t.Fatalf("CreateUser called %d times, want 1", len(nus))
	}
	if nus[0].Password.Reveal() != pw || !nus[0].ForceChangePasswordNextSignIn || !nus[0].AccountEnabled {
		t.Errorf("CreateUser got ForceChangePasswordNextSignIn=%v AccountEnabled=%v and the returned password: %v; want true, true, true",
			nus[0].ForceChangePasswordNextSignIn, nus[0].AccountEnabled, nus[0].Password.Reveal() == pw)
	}

	// The first sign-in works with the password handed back, and must
	// change it.
	if err := fake.SignIn(context.Background(), u.ID, pw); err == nil || !errors.Is(err, directory.ErrInvalid) {
		t.Errorf("SignIn with the temporary password as the new one = %v; want it refused as unchanged", err)
	}
}

func checkGeneratedPassword(t *testing.T, pw string) {
	t.Helper()
	if len(pw) != serviceaccount.PasswordLength || serviceaccount.PasswordLength != 24 {
		t.Errorf("password has %d characters, want 24", len(pw))
	}
	var lower, upper, digit, symbol bool
	for _, r := range pw {
		switch {
		case r > unicode.MaxASCII || !unicode.IsPrint(r) || r == ' ':
			t.Errorf("password has the character %U", r)
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			symbol = true
		}
	}
	if !lower || !upper || !digit || !symbol {
		t.Errorf("password classes lower=%v upper=%v digit=%v symbol=%v; want all four", lower, upper, digit, symbol)
	}
}

func TestProvisionCallerPassword(t *testing.T) {
	fake, clk := newFake(t)
	dir := &recordingDir{Fake: fake}
	spec := validSpec()
	spec.Password = directory.NewPassword("Correct-Horse-Battery-9")
	res, err := newProvisioner(dir, clk, nil).Provision(context.Background(), spec)
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if got := res.Password.Reveal(); got != "Correct-Horse-Battery-9" {
		t.Errorf("Result.Password is not the caller's")
	}
	if got := dir.NewUsers()[0].Password.Reveal(); got != "Correct-Horse-Battery-9" {
		t.Errorf("the directory did not get the caller's password")
	}
}

func TestProvisionPrimitivesOnly(t *testing.T) {
	fake, clk := newFake(t)
	res, err := newProvisioner(primitivesOnly{fake}, clk, nil).Provision(context.Background(), validSpec())
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if diff := cmp.Diff(atTenant(teamsAdminID, exchangeAdminID), heldRoles(t, fake, res.Account.ID)); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
	fake.ResetCalls()
	if _, err := newProvisioner(primitivesOnly{fake}, clk, nil).Provision(context.Background(), validSpec()); err != nil {
		t.Fatalf("re-run: %v", err)
	}
	if w := writeOps(fake); len(w) != 0 {
		t.Errorf("converged re-run wrote: %v", w)
	}
}

// A converged re-run reads once and writes nothing.
func TestProvisionConvergedMakesNoWrites(t *testing.T) {
	for _, tc := range []struct {
		name   string
		modify func(*serviceaccount.Spec)
	}{
		{"same spec", func(*serviceaccount.Spec) {}},
		{"same roles by name", func(s *serviceaccount.Spec) {
			s.Workloads, s.Roles = nil, []string{"Teams Service Administrator", "exchange administrator"}
		}},
		{"UPN in another case", func(s *serviceaccount.Spec) { s.UserPrincipalName = strings.ToUpper(testUPN) }},
		{"generated password not repeated", func(s *serviceaccount.Spec) { s.Password = directory.Password{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, p, first := provisioned(t, validSpec())
			spec := validSpec()
			tc.modify(&spec)
			res, err := p.Provision(context.Background(), spec)
			if err != nil {
				t.Fatalf("re-run: %v", err)
			}
			want := []directorytest.Call{{Op: directorytest.OpSnapshot, Object: spec.UserPrincipalName}}
			if diff := cmp.Diff(want, fake.Calls()); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			if fake.Writes() != 0 {
				t.Errorf("Writes() = %d", fake.Writes())
			}
			if res.Created || res.Adopted || len(res.Changes) != 0 || !res.Password.IsZero() {
				t.Errorf("re-run result: Created=%v Adopted=%v Changes=%v password set=%v; want false, false, none, false",
					res.Created, res.Adopted, res.Changes, !res.Password.IsZero())
			}
			if res.Account.ID != first.Account.ID {
				t.Errorf("re-run Account.ID = %q, want %q", res.Account.ID, first.Account.ID)
			}
			if !strings.Contains(res.String(), "up to date, 0 change(s)") {
				t.Errorf("Result.String() = %q, want it to say up to date", res.String())
			}
		})
	}
}

func TestProvisionAddsMissingRoles(t *testing.T) {
	teamsOnly := validSpec()
	teamsOnly.Workloads = []roles.Workload{roles.Teams}
	fake, p, first := provisioned(t, teamsOnly)
	if diff := cmp.Diff(atTenant(teamsAdminID), heldRoles(t, fake, first.Account.ID)); diff != "" {
		t.Fatalf("roles after the first run (-want +got):\n%s", diff)
	}
	fake.ResetCalls()

	res, err := p.Provision(context.Background(), validSpec())
	if err != nil {
		t.Fatalf("re-run: %v", err)
	}
	wantChanges := []serviceaccount.Change{
		{Action: serviceaccount.ActionAssignRole, Object: "Exchange Administrator", RoleID: exchangeAdminID, Scope: "/"},
	}
	if diff := cmp.Diff(wantChanges, res.Changes); diff != "" {
		t.Errorf("Changes (-want +got):\n%s", diff)
	}
	if res.Created || !res.Password.IsZero() {
		t.Errorf("Created=%v, password set=%v; want false, false", res.Created, !res.Password.IsZero())
	}
	if diff := cmp.Diff([]directorytest.Op{directorytest.OpCreateRoleAssignments}, writeOps(fake)); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(atTenant(teamsAdminID, exchangeAdminID), heldRoles(t, fake, first.Account.ID)); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
	if !strings.Contains(res.String(), "updated, 1 change(s)") {
		t.Errorf("Result.String() = %q", res.String())
	}
}

// Roles beyond the spec are reported, never removed.
func TestProvisionReportsUnexpectedRoles(t *testing.T) {
	fake, p, first := provisioned(t, validSpec())
	id := first.Account.ID
	ctx := context.Background()
	// An admin adds roles by hand: a privileged one at tenant scope, and
	// Teams Administrator again at an administrative unit's scope.
	for _, a := range []directory.RoleAssignment{
		{PrincipalID: id, RoleDefinitionID: globalReaderID, DirectoryScopeID: "/"},
		{PrincipalID: id, RoleDefinitionID: teamsAdminID, DirectoryScopeID: "/administrativeUnits/au1"},
	} {
		if _, err := fake.CreateRoleAssignment(ctx, a); err != nil {
			t.Fatalf("CreateRoleAssignment: %v", err)
		}
	}
	fake.ResetCalls()

	wantUnexpected := []roles.Role{
		{ID: globalReaderID, Name: "Global Reader", Privileged: true},
		{ID: teamsAdminID, Name: "Teams Administrator at /administrativeUnits/au1 — scoped to administrative unit au1"},
	}
	plan, err := p.Plan(ctx, validSpec())
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	if diff := cmp.Diff(wantUnexpected, plan.Unexpected); diff != "" {
		t.Errorf("Plan.Unexpected (-want +got):\n%s", diff)
	}
	if !plan.Empty() {
		t.Errorf("Plan has changes: %v", plan.Changes)
	}
	if !strings.Contains(plan.String(), "~ role Global Reader ("+globalReaderID+") is held but not in the spec (left alone)") {
		t.Errorf("Plan.String() does not show the unexpected role:\n%s", plan)
	}

	res, err := p.Provision(ctx, validSpec())
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if diff := cmp.Diff(wantUnexpected, res.Unexpected); diff != "" {
		t.Errorf("Result.Unexpected (-want +got):\n%s", diff)
	}
	if len(res.Changes) != 0 || fake.Writes() != 0 {
		t.Errorf("Changes=%v, writes=%d; want none", res.Changes, fake.Writes())
	}
	want := append(atTenant(teamsAdminID, exchangeAdminID, globalReaderID), teamsAdminID+"@/administrativeUnits/au1")
	if diff := cmp.Diff(want, heldRoles(t, fake, id), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
	if !strings.Contains(res.String(), "~ role Global Reader") {
		t.Errorf("Result.String() does not show the unexpected role:\n%s", res)
	}
}

// A role held only at another scope is still missing at tenant scope.
func TestProvisionRoleAtOtherScopeIsMissing(t *testing.T) {
	teamsOnly := validSpec()
	teamsOnly.Workloads = []roles.Workload{roles.Teams}
	fake, p, first := provisioned(t, teamsOnly)
	id := first.Account.ID
	if _, err := fake.CreateRoleAssignment(context.Background(), directory.RoleAssignment{
		PrincipalID: id, RoleDefinitionID: exchangeAdminID, DirectoryScopeID: "/administrativeUnits/au1",
	}); err != nil {
		t.Fatal(err)
	}
	res, err := p.Provision(context.Background(), validSpec())
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	wantChanges := []serviceaccount.Change{{Action: serviceaccount.ActionAssignRole, Object: "Exchange Administrator", RoleID: exchangeAdminID, Scope: "/"}}
	if diff := cmp.Diff(wantChanges, res.Changes); diff != "" {
		t.Errorf("Changes (-want +got):\n%s", diff)
	}
	wantUnexpected := []roles.Role{{ID: exchangeAdminID, Name: "Exchange Administrator at /administrativeUnits/au1 — scoped to administrative unit au1"}}
	if diff := cmp.Diff(wantUnexpected, res.Unexpected); diff != "" {
		t.Errorf("Unexpected (-want +got):\n%s", diff)
	}
}

// createByHand creates a user through the Fake directly, the way a person
// or another tool would: no ownership marker.
func createByHand(t *testing.T, fake *directorytest.Fake, upn, employeeType string) directory.User {
	t.Helper()
	u, err := fake.CreateUser(context.Background(), directory.NewUser{
		UserPrincipalName: upn, DisplayName: "Alex Wilber", MailNickname: "alexw", UsageLocation: "US",
		EmployeeType: employeeType, AccountEnabled: true, Password: directory.NewPassword("Human-Chosen-Pa55word"),
	})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	fake.ResetCalls()
	return u
}

func TestProvisionRefusesAccountItDidNotCreate(t *testing.T) {
	for _, employeeType := range []string{"", "Contractor", "consent-sdk", "CONSENT-SDK:abc", " consent-sdk:abc"} {
		t.Run(fmt.Sprintf("employeeType %q", employeeType), func(t *testing.T) {
			fake, clk := newFake(t)
			human := createByHand(t, fake, testUPN, employeeType)
			p := newProvisioner(fake, clk, nil)
			for name, run := range map[string]func() error{
				"Provision": func() error { _, err := p.Provision(context.Background(), validSpec()); return err },
				"Plan":      func() error { _, err := p.Plan(context.Background(), validSpec()); return err },
			} {
				err := run()
				if !errors.Is(err, serviceaccount.ErrNotManaged) || !errors.Is(err, directory.ErrExists) {
					t.Errorf("%s: %v; want ErrNotManaged and directory.ErrExists", name, err)
				}
				if err != nil && !strings.Contains(err.Error(), `"`+testUPN+`"`) {
					t.Errorf("%s: error %q does not name the UPN", name, err)
				}
				var se *serviceaccount.Error
				if !errors.As(err, &se) || se.Step != "check ownership" || se.Outcome != serviceaccount.OutcomeNotCreated {
					t.Errorf("%s: error %#v; want *Error at step check ownership, not created", name, se)
				}
			}
			if w := writeOps(fake); len(w) != 0 {
				t.Errorf("writes: %v", w)
			}
			if held := heldRoles(t, fake, human.ID); len(held) != 0 {
				t.Errorf("the person's account got roles: %v", held)
			}
		})
	}
}

func TestProvisionAdopt(t *testing.T) {
	fake, clk := newFake(t)
	human := createByHand(t, fake, testUPN, "")
	p := newProvisioner(fake, clk, nil)
	spec := validSpec()
	spec.Adopt = true

	plan, err := p.Plan(context.Background(), spec)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	const warning = "adopting an account this SDK did not create (Spec.Adopt)"
	if !plan.Exists || plan.UserID != human.ID || !containsString(plan.Warnings, warning) {
		t.Errorf("Plan: Exists=%v UserID=%q Warnings=%q", plan.Exists, plan.UserID, plan.Warnings)
	}
	// The usage location differs from the spec: a warning, not a change.
	if !containsString(plan.Warnings, `usage location is "US", the spec says "AU" (not changed)`) {
		t.Errorf("Plan.Warnings = %q; want the usage location mismatch", plan.Warnings)
	}

	res, err := p.Provision(context.Background(), spec)
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if !res.Adopted || res.Created || !res.Password.IsZero() || res.Account.ID != human.ID {
		t.Errorf("Adopted=%v Created=%v password set=%v ID=%q; want true, false, false, %q", res.Adopted, res.Created, !res.Password.IsZero(), res.Account.ID, human.ID)
	}
	if !containsString(res.Warnings, warning) {
		t.Errorf("Result.Warnings = %q, want %q", res.Warnings, warning)
	}
	if diff := cmp.Diff(atTenant(teamsAdminID, exchangeAdminID), heldRoles(t, fake, human.ID)); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}

	// Deprovision still refuses it: adopting does not make it ours.
	fake.ResetCalls()
	for _, acct := range []serviceaccount.Account{res.Account, {UserPrincipalName: testUPN}, {ID: human.ID}} {
		err = p.Deprovision(context.Background(), acct)
		if !errors.Is(err, serviceaccount.ErrNotManaged) || !errors.Is(err, directory.ErrPermission) {
			t.Errorf("Deprovision(%v) = %v; want ErrNotManaged and directory.ErrPermission", acct, err)
		}
		if err != nil && !strings.Contains(err.Error(), human.ID) && !strings.Contains(err.Error(), testUPN) {
			t.Errorf("error %q does not name the account", err)
		}
	}
	if !userExists(t, fake, human.ID) {
		t.Error("the adopted account was deleted")
	}
	if w := writeOps(fake); len(w) != 0 {
		t.Errorf("Deprovision wrote: %v", w)
	}
}

// lostAnswerDir applies a create and then loses its answer, the way a
// connection reset after the service applied the write does.
type lostAnswerDir struct {
	*directorytest.Fake
	// apply, when false, fails before the write instead.
	apply bool
	// employeeType, when set, replaces the caller's marker: another run (or
	// a person) created the account at the same moment.
	employeeType *string
}

func (d lostAnswerDir) CreateUser(ctx context.Context, nu directory.NewUser) (directory.User, error) {
	if d.employeeType != nil {
		nu.EmployeeType = *d.employeeType
	}
	if d.apply {
		if _, err := d.Fake.CreateUser(ctx, nu); err != nil {
			return directory.User{}, err
		}
	}
	return directory.User{}, fmt.Errorf("lostanswer: create user %q: connection reset: %w", nu.UserPrincipalName, directory.ErrUnavailable)
}

func TestProvisionLostCreateAnswer(t *testing.T) {
	fake, clk := newFake(t)
	p := newProvisioner(lostAnswerDir{Fake: fake, apply: true}, clk, nil)
	res, err := p.Provision(context.Background(), validSpec())
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if !res.Created || res.Password.IsZero() || res.Account.ID != firstUserID {
		t.Errorf("Created=%v password set=%v ID=%q; want true, true, %q", res.Created, !res.Password.IsZero(), res.Account.ID, firstUserID)
	}
	checkGeneratedPassword(t, res.Password.Reveal())
	creates := 0
	for _, c := range fake.Calls() {
		if c.Op == directorytest.OpCreateUser {
			creates++
		}
	}
	// The lost create is sent again; the retry conflicts with the account
	// the first one made, which the read-back recognises by its marker.
	if creates != 2 {
		t.Errorf("CreateUser called %d times, want 2 (the lost create and its conflicting retry)", creates)
	}
	if diff := cmp.Diff(atTenant(teamsAdminID, exchangeAdminID), heldRoles(t, fake, firstUserID)); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
	// The re-run converges on the account: no conflict with its own write.
	fake.ResetCalls()
	res, err = newProvisioner(fake, clk, nil).Provision(context.Background(), validSpec())
	if err != nil || len(res.Changes) != 0 || fake.Writes() != 0 {
		t.Errorf("re-run: err=%v changes=%v writes=%d", err, res.Changes, fake.Writes())
	}
}

func TestProvisionCreateFailedBeforeWrite(t *testing.T) {
	fake, clk := newFake(t)
	res, err := newProvisioner(lostAnswerDir{Fake: fake, apply: false}, clk, nil).Provision(context.Background(), validSpec())
	if !errors.Is(err, directory.ErrUnavailable) {
		t.Fatalf("Provision = %v, want ErrUnavailable", err)
	}
	// Every attempt fails before the write: the create is retried until
	// RetryTimeout is spent. The SDK cannot tell a create that was not
	// applied from one whose account reads do not show yet: after reading
	// back for ReadBackTimeout it says the account may appear, and returns
	// the password it would carry.
	var se *serviceaccount.Error
	if !errors.As(err, &se) || se.Step != "create user" || se.Outcome != serviceaccount.OutcomeMayExist ||
		!strings.Contains(err.Error(), "most likely it was not created") || !directory.IsTemporary(err) ||
		!strings.Contains(err.Error(), "transient fault") {
		t.Errorf("error = %v; want step create user, a transient fault, may exist", err)
	}
	if res.Password.IsZero() || res.Created {
		t.Errorf("Result = %+v; want the password the account would carry, Created false", res)
	}
	var slept time.Duration
	for _, d := range clk.Slept() {
		slept += d
	}
	if slept < 3*time.Minute+20*time.Second || slept > 3*time.Minute+30*time.Second {
		t.Errorf("retried and read back for %v, want about RetryTimeout + ReadBackTimeout (3m30s)", slept)
	}
	if userExists(t, fake, testUPN) {
		t.Error("a user exists")
	}
	// A re-run creates it.
	res, err = newProvisioner(fake, clk, nil).Provision(context.Background(), validSpec())
	if err != nil || !res.Created {
		t.Errorf("re-run: Created=%v err=%v", res.Created, err)
	}
}

// The create's answer is lost and the account found is not this call's:
// another run, or a person, created it at the same moment.
func TestProvisionConcurrentCreate(t *testing.T) {
	otherRun := serviceaccount.MarkerPrefix + "0123456789ab"
	person := ""
	for _, tc := range []struct {
		name         string
		employeeType *string
		adopt        bool
		wantErr      []error
		wantAdopted  bool
	}{
		{name: "another run", employeeType: &otherRun},
		{name: "a person", employeeType: &person, wantErr: []error{serviceaccount.ErrNotManaged, directory.ErrExists}},
		{name: "a person, adopted", employeeType: &person, adopt: true, wantAdopted: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, clk := newFake(t)
			spec := validSpec()
			spec.Adopt = tc.adopt
			res, err := newProvisioner(lostAnswerDir{Fake: fake, apply: true, employeeType: tc.employeeType}, clk, nil).Provision(context.Background(), spec)
			if tc.wantErr != nil {
				for _, want := range tc.wantErr {
					if !errors.Is(err, want) {
						t.Errorf("Provision = %v; want errors.Is %v", err, want)
					}
				}
				if errors.Is(err, directory.ErrUnavailable) {
					t.Errorf("Provision = %v; classified as unavailable, but the account is known to exist", err)
				}
				if held := heldRoles(t, fake, firstUserID); len(held) != 0 {
					t.Errorf("roles were assigned: %v", held)
				}
				if !userExists(t, fake, firstUserID) {
					t.Error("the other account was deleted")
				}
				return
			}
			if err != nil {
				t.Fatalf("Provision: %v", err)
			}
			if res.Created || !res.Password.IsZero() || res.Adopted != tc.wantAdopted {
				t.Errorf("Created=%v password set=%v Adopted=%v; want false, false, %v", res.Created, !res.Password.IsZero(), res.Adopted, tc.wantAdopted)
			}
			if !strings.Contains(strings.Join(res.Warnings, "\n"), "created concurrently by another run") {
				t.Errorf("Warnings = %q", res.Warnings)
			}
			if diff := cmp.Diff(atTenant(teamsAdminID, exchangeAdminID), heldRoles(t, fake, firstUserID)); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
		})
	}
}

// A create whose answer is lost while the caller cancels: the account is
// recognised and deleted, not left with a password nobody received.
func TestProvisionLostCreateAnswerCancelled(t *testing.T) {
	fake, clk := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	dir := cancelAfterCreate{lostAnswerDir{Fake: fake, apply: true}, cancel}
	_, err := newProvisioner(dir, clk, nil).Provision(ctx, validSpec())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Provision = %v, want context.Canceled", err)
	}
	var se *serviceaccount.Error
	if !errors.As(err, &se) || se.Outcome != serviceaccount.OutcomeRolledBack {
		t.Errorf("error = %#v; want created and rolled back", se)
	}
	if userExists(t, fake, testUPN) {
		t.Error("the account is left behind")
	}
}

type cancelAfterCreate struct {
	lostAnswerDir
	cancel context.CancelFunc
}

func (d cancelAfterCreate) CreateUser(ctx context.Context, nu directory.NewUser) (directory.User, error) {
	u, err := d.lostAnswerDir.CreateUser(ctx, nu)
	d.cancel()
	return u, err
}

// The directory refuses the create: nothing to roll back.
func TestProvisionCreateRefused(t *testing.T) {
	for _, sentinel := range []error{directory.ErrPermission, directory.ErrInvalid, directory.ErrThrottled} {
		t.Run(sentinel.Error(), func(t *testing.T) {
			fake, clk := newFake(t)
			fake.SetFault(func(op directorytest.Op, object string) error {
				if op == directorytest.OpCreateUser {
					return fmt.Errorf("fault: create user %q: %w", object, sentinel)
				}
				return nil
			})
			_, err := newProvisioner(fake, clk, nil).Provision(context.Background(), validSpec())
			if !errors.Is(err, sentinel) {
				t.Fatalf("Provision = %v, want %v", err, sentinel)
			}
			var se *serviceaccount.Error
			if !errors.As(err, &se) || se.Step != "create user" || se.Outcome != serviceaccount.OutcomeNotCreated {
				t.Errorf("error = %#v", se)
			}
			if !strings.Contains(err.Error(), `provision "`+testUPN+`": create user`) {
				t.Errorf("error %q does not name the step and the account", err)
			}
			if userExists(t, fake, testUPN) {
				t.Error("a user exists")
			}
		})
	}
}

// The snapshot cannot be read: nothing is written.
func TestProvisionReadFails(t *testing.T) {
	fake, clk := newFake(t)
	fake.SetFault(func(op directorytest.Op, object string) error {
		return fmt.Errorf("fault: %s %q: %w", op, object, directory.ErrPermission)
	})
	p := newProvisioner(fake, clk, nil)
	_, err := p.Provision(context.Background(), validSpec())
	if !errors.Is(err, directory.ErrPermission) || !strings.Contains(err.Error(), "read account") {
		t.Errorf("Provision = %v, want ErrPermission at read account", err)
	}
	_, err = p.Plan(context.Background(), validSpec())
	if !errors.Is(err, directory.ErrPermission) {
		t.Errorf("Plan = %v, want ErrPermission", err)
	}
	if w := writeOps(fake); len(w) != 0 {
		t.Errorf("writes: %v", w)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fake.SetFault(nil)
	if _, err := p.Provision(ctx, validSpec()); !errors.Is(err, context.Canceled) {
		t.Errorf("Provision with a cancelled context = %v", err)
	}
}

// The source of randomness fails: no account is created.
func TestProvisionRandFails(t *testing.T) {
	fake, clk := newFake(t)
	p := newProvisioner(fake, clk, &serviceaccount.Options{Rand: failingReader{}})
	_, err := p.Provision(context.Background(), validSpec())
	if err == nil || !strings.Contains(err.Error(), "generate password") {
		t.Errorf("Provision = %v, want a generate password error", err)
	}
	if w := writeOps(fake); len(w) != 0 {
		t.Errorf("writes: %v", w)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("entropy exhausted") }

// 100 concurrent provisions on one Provisioner and one Fake.
func TestProvisionConcurrent(t *testing.T) {
	fake, clk := newFake(t)
	p := newProvisioner(fake, clk, nil)
	workloads := [][]roles.Workload{{roles.Teams}, {roles.Exchange}, {roles.Teams, roles.Exchange}}
	wantRoles := [][]string{atTenant(teamsAdminID), atTenant(exchangeAdminID), atTenant(teamsAdminID, exchangeAdminID)}
	const n = 100
	results := make([]serviceaccount.Result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			spec := validSpec()
			spec.UserPrincipalName = fmt.Sprintf("svc-%03d@contoso.onmicrosoft.com", i)
			spec.Workloads = workloads[i%3]
			results[i], errs[i] = p.Provision(context.Background(), spec)
		})
	}
	wg.Wait()
	ids := map[string]bool{}
	passwords := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Errorf("Provision %d: %v", i, errs[i])
			continue
		}
		res := results[i]
		u, err := fake.User(context.Background(), fmt.Sprintf("svc-%03d@contoso.onmicrosoft.com", i))
		if err != nil || u.ID != res.Account.ID || !serviceaccount.IsManaged(u) {
			t.Errorf("account %d: %v, %+v", i, err, u)
			continue
		}
		ids[u.ID] = true
		passwords[res.Password.Reveal()] = true
		if diff := cmp.Diff(wantRoles[i%3], heldRoles(t, fake, u.ID)); diff != "" {
			t.Errorf("account %d roles (-want +got):\n%s", i, diff)
		}
	}
	if len(ids) != n || len(passwords) != n {
		t.Errorf("%d distinct users and %d distinct passwords, want %d", len(ids), len(passwords), n)
	}
}

// Plan and Provision on the same account from many goroutines.
func TestProvisionConcurrentSameAccount(t *testing.T) {
	fake, clk := newFake(t)
	p := newProvisioner(fake, clk, nil)
	const n = 20
	var wg sync.WaitGroup
	errs := make([]error, n)
	created := make([]bool, n)
	for i := range n {
		wg.Go(func() {
			var res serviceaccount.Result
			res, errs[i] = p.Provision(context.Background(), validSpec())
			created[i] = res.Created
		})
	}
	wg.Wait()
	creators := 0
	for i := range n {
		if errs[i] != nil {
			t.Errorf("Provision %d: %v", i, errs[i])
		}
		if created[i] {
			creators++
		}
	}
	if creators != 1 {
		t.Errorf("%d runs report they created the account, want 1", creators)
	}
	if diff := cmp.Diff(atTenant(teamsAdminID, exchangeAdminID), heldRoles(t, fake, firstUserID)); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
}
