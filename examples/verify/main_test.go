package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestVerifyDemo(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 0, "PASSED"},
		{[]string{"-workloads", "teams,exchange"}, 1, "missing at tenant scope /: Exchange Administrator"},
		{[]string{"-upn", "nobody@contoso.onmicrosoft.com"}, 1, "account.exists"},
		{[]string{"-usage-location", "US"}, 1, `expected "US"`},
		{[]string{"-workloads", "compliance", "-read-only"}, 2, "no read-only role"},
		{[]string{"-id", "not-a-guid"}, 2, "not an object ID"},
		{[]string{"-id", "not-a-guid"}, 2, "check -id"},
		{[]string{"extra", "-json"}, 2, `unexpected argument "extra"`},
		{[]string{"-h"}, 0, "Exit status"},
		{[]string{"-upn", "bad"}, 2, "-upn:"},
		{[]string{"-tenant", "contoso.onmicrosoft.com"}, 2, "give -upn or -id"},
		{[]string{"-upn", "nobody@contoso.onmicrosoft.com", "-workloads", "teams"}, 1, "FAILED"},
		// The account may not read the tenant's sign-in policies: they
		// are listed as not visible, naming who could read them, and do
		// not count: the demo account is ready for the partner.
		{[]string{"-self"}, 0, "(signed in as the account, tenant 0a7e57ed-0000-4000-8000-00000000c0de (from the token)): PASSED"},
		{[]string{"-self"}, 0, "the tenant's sign-in policies (security defaults, Conditional Access, authentication strengths): mfa.enforced not checked"},
		{[]string{"-self"}, 0, "Could see it: the customer running Verify (admin side) with an app granted Policy.Read.All"},
		{[]string{"-self", "-upn", "cloudhub-svc@contoso.onmicrosoft.com", "-json"}, 0, `"mode": "self"`},
		{[]string{"-self", "-workloads", "teams,exchange"}, 1, "Ask the customer's administrator to assign the missing role"},
		{[]string{"-self", "-upn", "nobody@contoso.onmicrosoft.com"}, 2, "not found"},
		{[]string{"-self", "-tenant", "contoso.onmicrosoft.com", "-auth", "secret"}, 2, "want -auth device or browser"},
		{[]string{"-app-id", "c1a0d0b5-2f3e-4c6d-9e8f-0a1b2c3d4e5f", "-scopes", "User.ReadWrite.All"}, 1, "/adminconsent?client_id=c1a0d0b5-2f3e-4c6d-9e8f-0a1b2c3d4e5f"},
		{[]string{"-app-id", "c1a0d0b5-2f3e-4c6d-9e8f-0a1b2c3d4e5f", "-scopes", "User.Read User.ReadWrite.All"}, 2, "check -scopes"},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), tc.args, &out, &errOut)
		if code != tc.code || !strings.Contains(out.String()+errOut.String(), tc.want) {
			t.Errorf("%v: exit %d, want %d with %q\nstdout: %s\nstderr: %s", tc.args, code, tc.code, tc.want, out.String(), errOut.String())
		}
	}
}

func TestVerifyJSON(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"-json"}, &out, &bytes.Buffer{}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	var rep struct {
		Checks []struct{ ID, Status string }
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || len(rep.Checks) != 12 {
		t.Fatalf("report %+v, %v", rep, err)
	}
}
