package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cloudhub/consent/examples/internal/demo"
)

// selfKeyWarning is the self report's mfa.phishing-resistant line: the
// account holds Exchange Administrator, a highly privileged role, and has
// its key, but cannot see whether a policy requires it.
const selfKeyWarning = "WARN    mfa.phishing-resistant          highly privileged: Exchange Administrator; registered: fido2; whether a Conditional Access policy requires phishing-resistant MFA is not visible to this credential"

func TestOnboardWalkThrough(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), nil, &out, &errOut); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, errOut.String())
	}
	s := out.String()
	for _, want := range []string{
		"5 to add, 0 to remove",
		"+ consent " + demo.PartnerAppID,
		"tenant-wide grant also covers EVERY user",
		"the tenant-wide grant",
		"temporary password: [REDACTED]",
		"FAILED (3 of 15 checks did not pass)",
		"PASSED",
		// Step 5, signed in as the account: ready for the partner; the
		// sign-in policies are not visible, the FIDO2 key is.
		"(signed in as the account, tenant 0a7e57ed-0000-4000-8000-00000000c0de (from the token)): PASSED",
		"Not visible to this credential",
		"the tenant's sign-in policies (security defaults, Conditional Access, authentication strengths): mfa.enforced not checked",
		selfKeyWarning,
		"up to date, 0 change(s)",
		"UNEXPECTED PRIVILEGED ROLE(S): Global Administrator at /",
		"behaved as expected",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestOnboardPasswordless(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-tap"}, &out, &errOut); err != nil {
		t.Fatalf("run -tap: %v\nstderr:\n%s", err, errOut.String())
	}
	s := out.String()
	for _, want := range []string{
		"6 to add, 0 to remove",
		"+ Temporary Access Pass for svc-cloudhub@contoso.onmicrosoft.com",
		"Temporary Access Pass policy: allowed",
		"Temporary Access Pass: [REDACTED] (valid ",
		"FAIL    credential.registered",
		"PASS    credential.registered",
		"signs in with the Temporary Access Pass",
		"(signed in as the account, tenant 0a7e57ed-0000-4000-8000-00000000c0de (from the token)): PASSED",
		selfKeyWarning,
		"up to date, 0 change(s)",
		"behaved as expected",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	for _, unwanted := range []string{"password.changed", "temporary password:"} {
		if strings.Contains(s, unwanted) {
			t.Errorf("the passwordless walk-through shows %q", unwanted)
		}
	}
}

func TestOnboardShowPassword(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-show-password"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "shown because of -show-password") {
		t.Error("-show-password did not print the password line")
	}
}

func TestOnboardJSONReports(t *testing.T) {
	var out, narration bytes.Buffer
	if err := run(context.Background(), []string{"-json"}, &out, &narration); err != nil {
		t.Fatal(err)
	}
	// Standard output is JSON Lines: one report per line, nothing else.
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines on stdout, want 5 reports:\n%s", len(lines), out.String())
	}
	for i, line := range lines {
		var rep struct {
			Passed *bool
			Checks []struct{ ID, Status string }
		}
		if err := json.Unmarshal([]byte(line), &rep); err != nil || len(rep.Checks) == 0 || rep.Passed == nil {
			t.Errorf("line %d is not a report: %v: %s", i+1, err, line)
		}
	}
	if !strings.Contains(narration.String(), "== 1. Plan") {
		t.Errorf("the narration is not on stderr:\n%s", narration.String())
	}
}

func TestOnboardExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-h"}, 0, "-show-password"},
		{[]string{"-nope"}, 2, "flag provided but not defined"},
		{[]string{"extra"}, 2, `unexpected argument "extra"`},
		{[]string{"-upn", "bad upn"}, 2, "UserPrincipalName"},
	} {
		var errOut bytes.Buffer
		code := exitCode(run(context.Background(), tc.args, &bytes.Buffer{}, &errOut), &errOut)
		if code != tc.code || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%v: exit %d, want %d with %q in:\n%s", tc.args, code, tc.code, tc.want, errOut.String())
		}
	}
}
