package serviceaccount_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/google/go-cmp/cmp"
)

// tapSpec is validSpec onboarded with a one-hour, one-time pass.
func tapSpec() serviceaccount.Spec {
	s := validSpec()
	s.TemporaryAccessPass = &serviceaccount.TemporaryAccessPass{Lifetime: time.Hour, UsableOnce: true}
	return s
}

// passDir records every pass the directory issued (with its passcode) and
// can lose the answer to the next n creates after applying them.
type passDir struct {
	*recordingDir
	mu     sync.Mutex
	issued []directory.AccessPass
	lose   int
}

func newPassDir(fake *directorytest.Fake) *passDir {
	return &passDir{recordingDir: &recordingDir{Fake: fake}}
}

func (d *passDir) CreateAccessPass(ctx context.Context, userID string, np directory.NewAccessPass) (directory.AccessPass, error) {
	p, err := d.Fake.CreateAccessPass(ctx, userID, np)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err == nil {
		d.issued = append(d.issued, p)
		if d.lose > 0 {
			d.lose--
			return directory.AccessPass{}, fmt.Errorf("create pass for %q: connection reset after it was applied: %w", userID, directory.ErrUnavailable)
		}
	}
	return p, err
}

func (d *passDir) Issued() []directory.AccessPass {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]directory.AccessPass(nil), d.issued...)
}

func passesOf(t *testing.T, fake *directorytest.Fake, userID string) []directory.AccessPass {
	t.Helper()
	ps, err := fake.AccessPasses(context.Background(), userID)
	if err != nil {
		t.Fatalf("AccessPasses(%s): %v", userID, err)
	}
	return ps
}

func TestProvisionIssuesAccessPass(t *testing.T) {
	fake, clk := newFake(t)
	dir := newPassDir(fake)
	p := newProvisioner(dir, clk, nil)
	res, err := p.Provision(context.Background(), tapSpec())
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if !res.Password.IsZero() {
		t.Error("Result.Password is set in passwordless mode")
	}
	if !res.Account.Passwordless {
		t.Error("Result.Account.Passwordless is not set")
	}
	issued := dir.Issued()
	if len(issued) != 1 || res.TemporaryAccessPass.Reveal() != issued[0].Pass.Reveal() || res.TemporaryAccessPass.ID != issued[0].ID {
		t.Fatalf("Result.TemporaryAccessPass is not the pass the directory issued (%d issued)", len(issued))
	}
	tp := res.TemporaryAccessPass
	if !tp.UsableOnce || !tp.StartDateTime.Equal(clk.Now()) || tp.EndDateTime.Sub(tp.StartDateTime) != time.Hour {
		t.Errorf("TemporaryAccessPass validity %v to %v (once %v): want one hour from now, one use", tp.StartDateTime, tp.EndDateTime, tp.UsableOnce)
	}
	nu := dir.NewUsers()[0]
	if nu.Password.IsZero() || nu.ForceChangePasswordNextSignIn {
		t.Errorf("the create sent password set %v, force change %v: want a random password and no forced change", !nu.Password.IsZero(), nu.ForceChangePasswordNextSignIn)
	}
	// Order: the account, then the pass, then the roles.
	wantWrites := []directorytest.Op{directorytest.OpCreateUser, directorytest.OpCreateAccessPass, directorytest.OpCreateRoleAssignments}
	if diff := cmp.Diff(wantWrites, writeOps(fake)); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
	var actions []serviceaccount.Action
	for _, c := range res.Changes {
		actions = append(actions, c.Action)
	}
	wantActions := []serviceaccount.Action{serviceaccount.ActionCreateUser, serviceaccount.ActionIssuePass, serviceaccount.ActionAssignRole, serviceaccount.ActionAssignRole}
	if diff := cmp.Diff(wantActions, actions); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if ps := passesOf(t, fake, res.Account.ID); len(ps) != 1 || ps[0].ID != tp.ID || !ps[0].Usable {
		t.Errorf("the directory holds passes %+v: want the one issued, usable", ps)
	}
	if !strings.Contains(res.String(), "Temporary Access Pass: [REDACTED] (valid ") {
		t.Errorf("Result.String() = %q", res.String())
	}
}

func TestPlanShowsAccessPass(t *testing.T) {
	fake, clk := newFake(t)
	p := newProvisioner(fake, clk, nil)
	pl, err := p.Plan(context.Background(), tapSpec())
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	if len(pl.Changes) < 2 || pl.Changes[1].Action != serviceaccount.ActionIssuePass || !strings.HasPrefix(pl.AccessPassCheck, "allowed:") {
		t.Errorf("Plan = %s: want the pass after the create, and the policy check", pl)
	}
	for _, want := range []string{"+ Temporary Access Pass for " + testUPN, "lifetime 1h0m0s, one use", "Temporary Access Pass policy: allowed"} {
		if !strings.Contains(pl.String(), want) {
			t.Errorf("Plan.String() does not say %q:\n%s", want, pl)
		}
	}
	if fake.Writes() != 0 {
		t.Errorf("Plan wrote %d times", fake.Writes())
	}
}

// A pass the tenant's policy refuses is refused before any write, by
// Provision and by Plan, naming the setting to change.
func TestAccessPassPolicyRefusedBeforeAnyWrite(t *testing.T) {
	for _, tc := range []struct {
		name    string
		policy  func(*directory.AccessPassPolicy)
		pass    serviceaccount.TemporaryAccessPass
		setting string
	}{
		{"disabled", func(p *directory.AccessPassPolicy) { p.Enabled = false }, serviceaccount.TemporaryAccessPass{}, "(state)"},
		{"groups only", func(p *directory.AccessPassPolicy) {
			p.IncludeTargets = []directory.PolicyTarget{{ID: "0f9b1e2a-0000-4000-8000-00000000a11e", Type: directory.TargetGroup}}
		}, serviceaccount.TemporaryAccessPass{}, "includeTargets"},
		{"nobody", func(p *directory.AccessPassPolicy) { p.IncludeTargets = []directory.PolicyTarget{} }, serviceaccount.TemporaryAccessPass{}, "includeTargets"},
		{"lifetime above maximum", func(*directory.AccessPassPolicy) {}, serviceaccount.TemporaryAccessPass{Lifetime: 9 * time.Hour}, "maximumLifetimeInMinutes 480"},
		{"lifetime below minimum", func(*directory.AccessPassPolicy) {}, serviceaccount.TemporaryAccessPass{Lifetime: 30 * time.Minute}, "minimumLifetimeInMinutes 60"},
		{"one-time only", func(p *directory.AccessPassPolicy) { p.UsableOnce = true }, serviceaccount.TemporaryAccessPass{}, "isUsableOnce"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, clk := newFake(t)
			pol := directorytest.DefaultAccessPassPolicy()
			tc.policy(&pol)
			if err := fake.SetAccessPassPolicy(pol); err != nil {
				t.Fatal(err)
			}
			p := newProvisioner(fake, clk, nil)
			spec := validSpec()
			spec.TemporaryAccessPass = &tc.pass
			res, err := p.Provision(context.Background(), spec)
			if !errors.Is(err, serviceaccount.ErrAccessPassPolicy) || !errors.Is(err, directory.ErrInvalid) || !strings.Contains(err.Error(), tc.setting) {
				t.Errorf("Provision = %v: want ErrAccessPassPolicy naming %q", err, tc.setting)
			}
			var se *serviceaccount.Error
			if !errors.As(err, &se) || se.Step != "check Temporary Access Pass policy" || se.Outcome != serviceaccount.OutcomeNotCreated {
				t.Errorf("error %#v: want the policy check step, nothing created", se)
			}
			if !res.TemporaryAccessPass.IsZero() || res.Account.ID != "" {
				t.Errorf("Provision returned a Result: %+v", res)
			}
			pl, perr := p.Plan(context.Background(), spec)
			if !errors.Is(perr, serviceaccount.ErrAccessPassPolicy) || !strings.HasPrefix(pl.AccessPassCheck, "refused: ") || !strings.Contains(pl.String(), tc.setting) {
				t.Errorf("Plan = %v, %q: want the refusal shown", perr, pl.AccessPassCheck)
			}
			if n := fake.Writes(); n != 0 {
				t.Errorf("%d writes: want none", n)
			}
			if len(fake.Users()) != 0 {
				t.Errorf("users left: %v", fake.Users())
			}
		})
	}
}

func TestAccessPassSpecValidation(t *testing.T) {
	fake, clk := newFake(t)
	p := newProvisioner(fake, clk, nil)
	for _, tc := range []struct {
		name  string
		edit  func(*serviceaccount.Spec)
		field string
	}{
		{"password too", func(s *serviceaccount.Spec) { s.Password = directory.NewPassword("Caller-Supplied-Secret-42") }, "Password"},
		{"too short", func(s *serviceaccount.Spec) { s.TemporaryAccessPass.Lifetime = 5 * time.Minute }, "TemporaryAccessPass.Lifetime"},
		{"too long", func(s *serviceaccount.Spec) { s.TemporaryAccessPass.Lifetime = 31 * 24 * time.Hour }, "TemporaryAccessPass.Lifetime"},
		{"not whole minutes", func(s *serviceaccount.Spec) { s.TemporaryAccessPass.Lifetime = time.Hour + time.Second }, "TemporaryAccessPass.Lifetime"},
	} {
		spec := tapSpec()
		tc.edit(&spec)
		_, err := p.Provision(context.Background(), spec)
		fes := fieldErrors(err)
		if len(fes) != 1 || fes[0].Field != tc.field || strings.Contains(err.Error(), "Caller-Supplied-Secret-42") {
			t.Errorf("%s: Provision = %v: want one FieldError on %s, no secret", tc.name, err, tc.field)
		}
	}
	if len(fake.Calls()) != 0 {
		t.Errorf("invalid specs made %d calls", len(fake.Calls()))
	}
}

// Re-runs: a usable pass is not replaced; an expired one only with Renew;
// an account with a strong method never gets one.
func TestAccessPassRerun(t *testing.T) {
	ctx := context.Background()
	fake, clk := newFake(t)
	p := newProvisioner(fake, clk, nil)
	first, err := p.Provision(ctx, tapSpec())
	if err != nil {
		t.Fatal(err)
	}
	id := first.Account.ID
	rerun := func(name string, spec serviceaccount.Spec, wantWrites []directorytest.Op, wantCheck string) serviceaccount.Result {
		t.Helper()
		pl, err := p.Plan(ctx, spec)
		if err != nil || !strings.Contains(pl.AccessPassCheck, wantCheck) {
			t.Errorf("%s: Plan check %q, %v: want %q", name, pl.AccessPassCheck, err, wantCheck)
		}
		fake.ResetCalls()
		res, err := p.Provision(ctx, spec)
		if err != nil {
			t.Fatalf("%s: Provision: %v", name, err)
		}
		if diff := cmp.Diff(wantWrites, writeOps(fake)); diff != "" {
			t.Errorf("%s: writes (-want +got):\n%s", name, diff)
		}
		return res
	}
	res := rerun("usable pass", tapSpec(), nil, "usable Temporary Access Pass")
	if !res.TemporaryAccessPass.IsZero() || len(res.Changes) != 0 {
		t.Errorf("usable pass: a re-run issued %v", res.Changes)
	}

	clk.Sleep(ctx, 2*time.Hour) // the pass expires unused
	res = rerun("expired pass, no Renew", tapSpec(), nil, "no longer usable")
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "Renew") {
		t.Errorf("expired pass: warnings %q do not mention Renew", res.Warnings)
	}
	renew := tapSpec()
	renew.TemporaryAccessPass.Renew = true
	res = rerun("expired pass, Renew", renew, []directorytest.Op{directorytest.OpDeleteAccessPass, directorytest.OpCreateAccessPass}, "allowed")
	ps := passesOf(t, fake, id)
	if res.TemporaryAccessPass.IsZero() || len(ps) != 1 || ps[0].ID != res.TemporaryAccessPass.ID || !ps[0].Usable {
		t.Errorf("Renew: Result pass %q, directory %+v: want one new usable pass", res.TemporaryAccessPass.ID, ps)
	}
	if err := fake.SignInWithAccessPass(ctx, id, res.TemporaryAccessPass.Reveal()); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.RegisterMethod(ctx, id, directory.MethodMicrosoftAuthenticator, "Owner's phone"); err != nil {
		t.Fatal(err)
	}
	rerun("strong method", renew, nil, "registered a strong method (microsoftAuthenticator)")
}

// The answer to the pass's create is lost after the pass was created: the
// retry reads the account's passes, deletes the one whose passcode it never
// saw, and issues another; the account ends with one pass, the one in the
// Result.
func TestAccessPassLostAnswer(t *testing.T) {
	fake, clk := newFake(t)
	dir := newPassDir(fake)
	dir.lose = 1
	p := newProvisioner(dir, clk, nil)
	res, err := p.Provision(context.Background(), tapSpec())
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	issued := dir.Issued()
	ps := passesOf(t, fake, res.Account.ID)
	if len(issued) != 2 || len(ps) != 1 || ps[0].ID != issued[1].ID || res.TemporaryAccessPass.Reveal() != issued[1].Pass.Reveal() {
		t.Errorf("issued %d, held %+v, Result %q: want the second pass held and returned", len(issued), ps, res.TemporaryAccessPass.ID)
	}
	wantWrites := []directorytest.Op{directorytest.OpCreateUser, directorytest.OpCreateAccessPass, directorytest.OpDeleteAccessPass, directorytest.OpCreateAccessPass, directorytest.OpCreateRoleAssignments}
	if diff := cmp.Diff(wantWrites, writeOps(fake)); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
}

// A failure after the pass was issued rolls the account back with its pass;
// a pass that cannot be issued rolls back the new account before any role.
func TestAccessPassRollback(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fail      []directorytest.Op
		wantWrite []directorytest.Op
		step      string
	}{
		{"roles denied", assignOps, []directorytest.Op{directorytest.OpCreateUser, directorytest.OpCreateAccessPass, directorytest.OpCreateRoleAssignments, directorytest.OpDeleteUserAndRoleAssignments}, "assign role"},
		{"pass denied", []directorytest.Op{directorytest.OpCreateAccessPass}, []directorytest.Op{directorytest.OpCreateUser, directorytest.OpCreateAccessPass, directorytest.OpDeleteUserAndRoleAssignments}, "issue Temporary Access Pass"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake, clk := newFake(t)
			fake.SetFault(failOps(directory.ErrPermission, tc.fail...))
			p := newProvisioner(fake, clk, nil)
			res, err := p.Provision(context.Background(), tapSpec())
			var se *serviceaccount.Error
			if !errors.As(err, &se) || se.Outcome != serviceaccount.OutcomeRolledBack || !strings.HasPrefix(se.Step, tc.step) {
				t.Fatalf("Provision = %v: want rolled back at %q", err, tc.step)
			}
			if !res.TemporaryAccessPass.IsZero() || len(fake.Users()) != 0 {
				t.Errorf("after rollback: Result pass set %v, users %v", !res.TemporaryAccessPass.IsZero(), fake.Users())
			}
			if diff := cmp.Diff(tc.wantWrite, writeOps(fake)); diff != "" {
				t.Errorf("writes (-want +got):\n%s", diff)
			}
		})
	}
}

// Deprovision removes the account with its pass.
func TestDeprovisionRemovesAccessPass(t *testing.T) {
	fake, p, res := provisioned(t, tapSpec())
	if err := p.Deprovision(context.Background(), res.Account); err != nil {
		t.Fatal(err)
	}
	_, err := fake.AccessPasses(context.Background(), res.Account.ID)
	if !errors.Is(err, directory.ErrNotFound) || len(fake.Users()) != 0 {
		t.Errorf("after Deprovision: AccessPasses = %v, users %v", err, fake.Users())
	}
}

// A re-run whose read of the authentication methods fails transiently reads
// them again; one denied fails, naming the step, with no write.
func TestAccessPassRerunMethodsUnreadable(t *testing.T) {
	ctx := context.Background()
	fake, clk := newFake(t)
	p := newProvisioner(fake, clk, nil)
	if _, err := p.Provision(ctx, tapSpec()); err != nil {
		t.Fatal(err)
	}
	failures := 2
	fake.SetFault(func(op directorytest.Op, object string) error {
		if op == directorytest.OpAuthenticationMethods && failures > 0 {
			failures--
			return fmt.Errorf("fault: %s %q: %w", op, object, directory.ErrUnavailable)
		}
		return nil
	})
	fake.ResetCalls()
	res, err := p.Provision(ctx, tapSpec())
	if err != nil || failures != 0 || fake.Writes() != 0 || !res.TemporaryAccessPass.IsZero() {
		t.Errorf("transient: Provision = %v (faults left %d, writes %d): want the methods read again, no write", err, failures, fake.Writes())
	}
	fake.SetFault(failOps(directory.ErrPermission, directorytest.OpAuthenticationMethods))
	_, err = p.Provision(ctx, tapSpec())
	var se *serviceaccount.Error
	if !errors.As(err, &se) || se.Step != "read authentication methods" || !errors.Is(err, directory.ErrPermission) {
		t.Errorf("denied: Provision = %v: want the read step, ErrPermission", err)
	}
}
