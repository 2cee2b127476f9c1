package serviceaccount_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
)

// everyForm renders v in every way a caller might print or serialise it.
func everyForm(v any) []string {
	out := []string{
		fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), fmt.Sprintf("%s", v),
		fmt.Sprintf("%q", v), fmt.Sprintf("%x", v), fmt.Sprint(v), fmt.Sprintln(v),
	}
	if b, err := json.Marshal(v); err == nil {
		out = append(out, string(b))
	}
	if b, err := json.MarshalIndent(v, "", "  "); err == nil {
		out = append(out, string(b))
	}
	if err, ok := v.(error); ok {
		out = append(out, err.Error())
		for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
			out = append(out, u.Error(), fmt.Sprintf("%+v", u))
		}
	}
	return out
}

// leakRecorder collects a test's debug log and every rendering of every
// value the test saw (record may be called from event handlers), and
// checks that no secret appears in either.
type leakRecorder struct {
	logs    bytes.Buffer
	mu      sync.Mutex
	printed []string
}

// logger logs at debug level, with source, into l.
func (l *leakRecorder) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(&l.logs, &slog.HandlerOptions{Level: slog.LevelDebug, AddSource: true}))
}

// record adds every form of each of vs to what was printed.
func (l *leakRecorder) record(vs ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, v := range vs {
		l.printed = append(l.printed, everyForm(v)...)
	}
}

// check fails t for each secret (keyed by what it is) that is empty, is in
// the log, or appears in anything printed.
func (l *leakRecorder) check(t *testing.T, secrets map[string]string) {
	t.Helper()
	if l.logs.Len() == 0 || len(l.printed) == 0 {
		t.Fatal("nothing was logged or printed: the test checks nothing")
	}
	for name, secret := range secrets {
		if secret == "" {
			t.Errorf("%s is empty", name)
			continue
		}
		if strings.Contains(l.logs.String(), secret) {
			t.Errorf("the log reveals the %s", name)
		}
		for _, s := range l.printed {
			if strings.Contains(s, secret) {
				t.Errorf("the %s appears in %q", name, s)
			}
		}
	}
}

// The temporary password (generated or the caller's) appears nowhere but in
// Result.Password.Reveal(): not in logs at debug level, events, errors, or
// the printed or JSON form of any value returned, across Provision, Plan,
// Deprovision and failing runs.
func TestSecretsNeverLeak(t *testing.T) {
	var leak leakRecorder
	logger, record := leak.logger(), leak.record
	fake, clk := newFake(t)
	dir := &recordingDir{Fake: fake}
	p := newProvisioner(dir, clk, &serviceaccount.Options{
		Logger:  logger,
		OnEvent: func(e serviceaccount.Event) { record(e) },
	})
	ctx := context.Background()
	spec := func(upn string) serviceaccount.Spec {
		s := validSpec()
		s.UserPrincipalName = upn
		return s
	}

	// 1. A successful run, its plan before and after, a converged re-run.
	a := spec("svc-a@contoso.onmicrosoft.com")
	planA, err := p.Plan(ctx, a)
	record(planA, &planA, err)
	resA, err := p.Provision(ctx, a)
	if err != nil {
		t.Fatalf("Provision a: %v", err)
	}
	record(resA, &resA, resA.Account, resA.User, resA.Changes, err)
	planA, err = p.Plan(ctx, a)
	record(planA, err)
	again, err := p.Provision(ctx, a)
	record(again, err)

	// 2. A run whose rollback fails, and one that is rolled back.
	fake.SetFault(failOps(directory.ErrPermission, append(assignOps, directorytest.OpDeleteUserAndRoleAssignments)...))
	_, errB := p.Provision(ctx, spec("svc-b@contoso.onmicrosoft.com"))
	var seB *serviceaccount.Error
	if !errors.As(errB, &seB) || seB.RollbackErr == nil {
		t.Fatalf("Provision b = %v, want a failed rollback", errB)
	}
	record(errB, seB, *seB, seB.RollbackErr)
	fake.SetFault(failOps(directory.ErrPermission, assignOps...))
	_, errC := p.Provision(ctx, spec("svc-c@contoso.onmicrosoft.com"))
	var seC *serviceaccount.Error
	if !errors.As(errC, &seC) || seC.Outcome != serviceaccount.OutcomeRolledBack {
		t.Fatalf("Provision c = %v, want rolled back", errC)
	}
	record(errC, seC, *seC)
	fake.SetFault(nil)

	// 3. A caller-supplied password, refused when weak, used when strong.
	d := spec("svc-d@contoso.onmicrosoft.com")
	d.Password = directory.NewPassword("Weakpassword")
	_, err = p.Provision(ctx, d)
	if !errors.Is(err, directory.ErrInvalid) {
		t.Fatalf("Provision with a weak password = %v", err)
	}
	record(err, d, &d)
	d.Password = directory.NewPassword("Caller-Supplied-Secret-42")
	resD, err := p.Provision(ctx, d)
	if err != nil {
		t.Fatalf("Provision d: %v", err)
	}
	record(resD, d, &d, err)

	// 4. Deprovision everything, and refuse a person's account.
	for _, acct := range []serviceaccount.Account{resA.Account, resD.Account, {UserPrincipalName: "svc-b@contoso.onmicrosoft.com"}} {
		err := p.Deprovision(ctx, acct)
		if err != nil {
			t.Errorf("Deprovision(%v): %v", acct, err)
		}
		record(acct, err)
	}
	createByHand(t, fake, "person@contoso.onmicrosoft.com", "")
	err = p.Deprovision(ctx, serviceaccount.Account{UserPrincipalName: "person@contoso.onmicrosoft.com"})
	if !errors.Is(err, serviceaccount.ErrNotManaged) {
		t.Errorf("Deprovision of a person = %v", err)
	}
	record(err)

	// Every password the directory received.
	secrets := map[string]string{
		"weak caller password":           "Weakpassword",
		"caller-supplied password":       "Caller-Supplied-Secret-42",
		"generated password of a":        resA.Password.Reveal(),
		"password received for a person": "Human-Chosen-Pa55word",
	}
	for _, nu := range dir.NewUsers() {
		secrets["password of "+nu.UserPrincipalName] = nu.Password.Reveal()
	}
	if len(secrets) != 8 {
		t.Errorf("got %d secrets, want 8: the 4 the directory received and 4 named above", len(secrets))
	}
	if got := dir.NewUsers()[0].Password.Reveal(); got != resA.Password.Reveal() {
		t.Error("Result.Password is not the password the directory received")
	}
	if resD.Password.Reveal() != "Caller-Supplied-Secret-42" {
		t.Error("Result.Password is not the caller's password")
	}
	leak.check(t, secrets)
	// What a caller sees instead.
	b, _ := json.Marshal(resA)
	if !strings.Contains(string(b), `"password":"[REDACTED]"`) {
		t.Errorf("JSON of Result: %s", b)
	}
	if !strings.Contains(resA.String(), "temporary password: [REDACTED] (must be changed at first sign-in)") {
		t.Errorf("Result.String() = %q", resA.String())
	}
}

// A caller-supplied password is redacted in every rendering of the Spec.
func TestSpecPrintsNoPassword(t *testing.T) {
	const secret = "Caller-Supplied-Secret-42"
	spec := serviceaccount.Spec{
		UserPrincipalName: testUPN, DisplayName: testDisplayName, UsageLocation: "AU",
		Workloads: []roles.Workload{roles.Teams}, Password: directory.NewPassword(secret),
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("spec", "spec", spec, "ptr", &spec)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("spec", "spec", spec, "ptr", &spec)
	for _, s := range append(everyForm(spec), append(everyForm(&spec), logs.String())...) {
		if strings.Contains(s, secret) {
			t.Errorf("the password appears in %q", s)
		}
	}
	if !strings.Contains(fmt.Sprintf("%+v", spec), "Password:[REDACTED]") {
		t.Errorf("%%+v = %+v; want the password shown as [REDACTED]", spec)
	}
}

// The Temporary Access Pass appears nowhere but in
// Result.TemporaryAccessPass.Reveal(), and the random password of a
// passwordless account nowhere at all: not in Result.Password, logs at
// debug level, events, errors, or the printed or JSON form of any value
// returned, across Provision, Plan, a re-run, a renewal, a lost answer, a
// rollback, a kept account and Deprovision.
func TestAccessPassSecretsNeverLeak(t *testing.T) {
	var leak leakRecorder
	logger, record := leak.logger(), leak.record
	fake, clk := newFake(t)
	dir := newPassDir(fake)
	p := newProvisioner(dir, clk, &serviceaccount.Options{
		Logger:  logger,
		OnEvent: func(e serviceaccount.Event) { record(e) },
	})
	ctx := context.Background()
	spec := func(upn string) serviceaccount.Spec {
		s := tapSpec()
		s.UserPrincipalName = upn
		return s
	}
	var returned []string // the passcodes Results revealed

	// 1. Plan, a run whose answer to the pass is lost, a re-run, a renewal.
	a := spec("svc-a@contoso.onmicrosoft.com")
	pl, err := p.Plan(ctx, a)
	record(pl, &pl, err)
	dir.lose = 1
	resA, err := p.Provision(ctx, a)
	if err != nil {
		t.Fatalf("Provision a: %v", err)
	}
	record(resA, &resA, resA.TemporaryAccessPass, &resA.TemporaryAccessPass, resA.Changes, resA.Account)
	slog.New(slog.NewTextHandler(&leak.logs, nil)).Info("result", "res", resA, "pass", resA.TemporaryAccessPass)
	slog.New(slog.NewJSONHandler(&leak.logs, nil)).Info("result", "res", resA, "pass", resA.TemporaryAccessPass)
	returned = append(returned, resA.TemporaryAccessPass.Reveal())
	again, err := p.Provision(ctx, a)
	record(again, err)
	clk.Sleep(ctx, 2*time.Hour)
	a.TemporaryAccessPass.Renew = true
	renewed, err := p.Provision(ctx, a)
	if err != nil || renewed.TemporaryAccessPass.IsZero() {
		t.Fatalf("Provision a (renew) = %v, pass set %v", err, !renewed.TemporaryAccessPass.IsZero())
	}
	record(renewed, err)
	returned = append(returned, renewed.TemporaryAccessPass.Reveal())

	// 2. Failures: a rollback after the pass was issued; a kept account.
	fake.SetFault(failOps(directory.ErrPermission, assignOps...))
	res, errB := p.Provision(ctx, spec("svc-b@contoso.onmicrosoft.com"))
	var seB *serviceaccount.Error
	if !errors.As(errB, &seB) || seB.Outcome != serviceaccount.OutcomeRolledBack || !res.TemporaryAccessPass.IsZero() {
		t.Fatalf("Provision b = %v: want rolled back, no pass returned", errB)
	}
	record(res, errB, seB, *seB)
	c := spec("svc-c@contoso.onmicrosoft.com")
	c.KeepOnFailure = true
	resC, errC := p.Provision(ctx, c)
	var seC *serviceaccount.Error
	if !errors.As(errC, &seC) || seC.Outcome != serviceaccount.OutcomeKept || resC.TemporaryAccessPass.IsZero() {
		t.Fatalf("Provision c = %v: want kept, with its pass in the Result", errC)
	}
	record(resC, errC, seC, *seC)
	returned = append(returned, resC.TemporaryAccessPass.Reveal())
	fake.SetFault(nil)

	// 3. Deprovision.
	for _, acct := range []serviceaccount.Account{resA.Account, resC.Account} {
		err := p.Deprovision(ctx, acct)
		if err != nil {
			t.Errorf("Deprovision(%v): %v", acct, err)
		}
		record(acct, err)
	}

	secrets := map[string]string{}
	for i, pass := range dir.Issued() {
		secrets[fmt.Sprintf("pass %d (%s)", i, pass.ID)] = pass.Pass.Reveal()
	}
	for _, nu := range dir.NewUsers() {
		secrets["random password of "+nu.UserPrincipalName] = nu.Password.Reveal()
	}
	// Issued: a's lost one, a's, a's renewal, b's, c's; three users.
	if len(secrets) != 8 {
		t.Errorf("got %d secrets, want 8", len(secrets))
	}
	leak.check(t, secrets)
	for name, secret := range secrets {
		if secret != "" && strings.HasPrefix(name, "random password") {
			for _, r := range []serviceaccount.Result{resA, renewed, resC} {
				if r.Password.Reveal() == secret {
					t.Errorf("the %s is returned in Result.Password", name)
				}
			}
		}
	}
	for i, r := range returned {
		found := false
		for _, pass := range dir.Issued() {
			found = found || pass.Pass.Reveal() == r
		}
		if !found {
			t.Errorf("returned pass %d is not one the directory issued", i)
		}
	}
	b, _ := json.Marshal(resA)
	if !strings.Contains(string(b), `"temporaryAccessPass":{"pass":"[REDACTED]","id":"`) || !strings.Contains(string(b), `"password":""`) {
		t.Errorf("JSON of Result: %s", b)
	}
	if got := fmt.Sprint(resA.TemporaryAccessPass); got != "[REDACTED]" {
		t.Errorf("fmt.Sprint(TemporaryAccessPass) = %q, want [REDACTED]", got)
	}
}
