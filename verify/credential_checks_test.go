package verify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/cloudhub/consent/verify"
)

// credential.registered follows a passwordless account from its pass to
// its strong method, on the fake's clock; password.changed does not apply.
func TestCredentialRegistered(t *testing.T) {
	ctx := context.Background()
	tn := newTenant()
	acct := tn.provision(t, teamsSpec("svc-tap@contoso.onmicrosoft.com"))
	acct.Passwordless = true
	pass, err := tn.CreateAccessPass(ctx, acct.ID, directory.NewAccessPass{Lifetime: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	end := pass.EndDateTime().UTC().Format(time.RFC3339)
	v := tn.verifier(tn.Fake)
	step := func(name string, want verify.Status, evidence ...string) {
		t.Helper()
		rep, err := v.Verify(ctx, acct)
		if err != nil {
			t.Fatalf("%s: Verify: %v", name, err)
		}
		if _, ok := rep.Check(verify.CheckPasswordChanged); ok {
			t.Errorf("%s: a passwordless account's report has %s", name, verify.CheckPasswordChanged)
		}
		c, ok := rep.Check(verify.CheckCredentialRegistered)
		if !ok {
			t.Fatalf("%s: no %s check in %v", name, verify.CheckCredentialRegistered, rep)
		}
		if c.Status != want {
			t.Errorf("%s: %s = %s (%s), want %s", name, c.ID, c.Status, c.Evidence, want)
		}
		for _, e := range evidence {
			if !strings.Contains(c.Evidence, e) {
				t.Errorf("%s: evidence %q does not say %q", name, c.Evidence, e)
			}
		}
		if c.Status != verify.StatusPass && c.Remediation == "" {
			t.Errorf("%s: no remediation", name)
		}
		if strings.Contains(rep.String(), pass.Pass.Reveal()) {
			t.Errorf("%s: the report shows the passcode", name)
		}
	}
	step("pass issued", verify.StatusFail, "no strong method registered yet", "usable until "+end)

	tn.clock.Advance(10 * time.Minute)
	if err := tn.SignInWithAccessPass(ctx, acct.ID, pass.Pass.Reveal()); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.RegisterMethod(ctx, acct.ID, directory.MethodFido2, "YubiKey"); err != nil {
		t.Fatal(err)
	}
	step("strong method, pass still valid", verify.StatusWarn, "fido2", "usable until "+end)

	tn.clock.Advance(time.Hour)
	step("pass expired", verify.StatusPass, "fido2", "not usable (Expired")

	if err := tn.DeleteAccessPass(ctx, acct.ID, pass.ID); err != nil {
		t.Fatal(err)
	}
	step("pass deleted", verify.StatusPass, "no Temporary Access Pass")

	// An owner who never registered: the pass expires unused.
	other := tn.provision(t, teamsSpec("svc-tap2@contoso.onmicrosoft.com"))
	other.Passwordless = true
	if _, err := tn.CreateAccessPass(ctx, other.ID, directory.NewAccessPass{}); err != nil {
		t.Fatal(err)
	}
	tn.clock.Advance(2 * time.Hour)
	rep, err := v.Verify(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := rep.Check(verify.CheckCredentialRegistered)
	if c.Status != verify.StatusFail || !strings.Contains(c.Evidence, "no usable Temporary Access Pass") || !strings.Contains(c.Remediation, "Renew") {
		t.Errorf("expired unused pass: %+v", c)
	}

	// Methods the credential may not read: unknown, with what was needed.
	tn.SetFault(func(op directorytest.Op, object string) error {
		if op == directorytest.OpAuthenticationMethods {
			return directorytest.PermissionDenied(op, object)
		}
		return nil
	})
	rep, err = v.Verify(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	c, _ = rep.Check(verify.CheckCredentialRegistered)
	if c.Status != verify.StatusUnknown || !strings.Contains(c.Remediation, "UserAuthenticationMethod.Read.All") {
		t.Errorf("methods denied: %+v", c)
	}
}

// A passwordless account that does not exist lists credential.registered,
// not password.changed, among its unknown checks.
func TestCredentialRegisteredMissingAccount(t *testing.T) {
	tn := newTenant()
	acct := serviceaccount.Account{UserPrincipalName: "nobody@contoso.onmicrosoft.com", Workloads: []roles.Workload{roles.Teams}, Access: roles.Admin, Passwordless: true}
	rep, err := tn.verifier(tn.Fake).Verify(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rep.Check(verify.CheckPasswordChanged); ok {
		t.Error("password.changed listed")
	}
	if c, ok := rep.Check(verify.CheckCredentialRegistered); !ok || c.Status != verify.StatusUnknown {
		t.Errorf("credential.registered = %+v, %v: want unknown", c, ok)
	}
}

// Signed in as a passwordless account, VerifySelf checks
// credential.registered from the account's own methods, not
// password.changed.
func TestCredentialRegisteredSelf(t *testing.T) {
	ctx := context.Background()
	tn := newTenant()
	spec := teamsSpec("svc-tap-self@contoso.onmicrosoft.com")
	spec.TemporaryAccessPass = &serviceaccount.TemporaryAccessPass{Lifetime: time.Hour, UsableOnce: true}
	res, err := serviceaccount.New(tn.Fake, &serviceaccount.Options{Now: tn.clock.Now, Sleep: tn.clock.Sleep}).Provision(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := tn.SignInWithAccessPass(ctx, res.Account.ID, res.TemporaryAccessPass.Reveal()); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.RegisterMethod(ctx, res.Account.ID, directory.MethodFido2, "passkey"); err != nil {
		t.Fatal(err)
	}
	view, err := tn.SignedInAs(res.Account.UserPrincipalName, nil)
	if err != nil {
		t.Fatalf("SignedInAs a passwordless account: %v", err)
	}
	rep, err := verify.New(view, &verify.Options{Now: tn.clock.Now}).VerifySelf(ctx, res.Account)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rep.Check(verify.CheckPasswordChanged); ok {
		t.Error("password.changed listed")
	}
	if c, ok := rep.Check(verify.CheckCredentialRegistered); !ok || c.Status != verify.StatusPass {
		t.Errorf("credential.registered = %+v, %v: want pass (the one-time pass is used up)", c, ok)
	}
}
