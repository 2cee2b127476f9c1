package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestProvisionDemo(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-workloads", "teams,exchange"}, 0, "created, 3 change(s)"},
		{[]string{"-workloads", "teams", "-plan"}, 0, "2 to add"},
		{[]string{"-workloads", "exchange", "-read-only"}, 2, "needs Global Reader, which Microsoft marks privileged"},
		{[]string{"-workloads", "exchange", "-read-only", "-allow-privileged"}, 0, "Global Reader"},
		{[]string{"-workloads", "teamz"}, 2, `unknown workload "teamz"`},
		{[]string{"-workloads", "exchange", "-read-only"}, 2, "check -workloads, -allow-privileged"},
		{[]string{"-plan", "-usage-location", "XX"}, 2, "check -usage-location"},
		{[]string{"teams", "-plan"}, 2, `unexpected argument "teams"`},
		{[]string{"-h"}, 0, "Exit status"},
		{[]string{"-nope"}, 2, "flag provided but not defined"},
		{[]string{"-upn", "svc@contoso.com"}, 2, "not verified"},
		{[]string{"-upn", "cloudhub-svc@contoso.onmicrosoft.com"}, 1, "not created by this SDK"},
		{[]string{"-upn", "cloudhub-svc@contoso.onmicrosoft.com", "-adopt"}, 0, "up to date"},
		{[]string{"-auth", "cert", "-tenant", "t", "-client-id", "c"}, 2, "-cert FILE"},
		{[]string{"-auth", "secret", "-tenant", "t"}, 2, "-client-id"},
		{[]string{"-cloud", "mars", "-tenant", "t"}, 2, "unknown cloud"},
		{[]string{"-tap", "-tap-lifetime", "1h", "-tap-once"}, 0, "Temporary Access Pass: [REDACTED] (valid 2026-"},
		{[]string{"-tap", "-plan"}, 0, "Temporary Access Pass policy: allowed"},
		{[]string{"-tap", "-tap-lifetime", "10h"}, 1, "maximumLifetimeInMinutes 480"},
		{[]string{"-tap", "-tap-lifetime", "5m"}, 2, "TemporaryAccessPass.Lifetime"},
		{[]string{"-tap-once"}, 2, "need -tap"},
		{[]string{"-app-id", "c1a0d0b5-2f3e-4c6d-9e8f-0a1b2c3d4e5f", "-scopes", "User.ReadWrite.All,Group.ReadWrite.All", "-grant-consent", "-plan"}, 0, "+ consent c1a0d0b5-2f3e-4c6d-9e8f-0a1b2c3d4e5f  # scopes User.ReadWrite.All Group.ReadWrite.All for this account only"},
		{[]string{"-app-id", "c1a0d0b5-2f3e-4c6d-9e8f-0a1b2c3d4e5f", "-grant-consent"}, 0, "created, 4 change(s)"},
		{[]string{"-app-id", "c1a0d0b5-2f3e-4c6d-9e8f-0a1b2c3d4e5f"}, 0, "https://login.microsoftonline.com/contoso.onmicrosoft.com/adminconsent?client_id=c1a0d0b5-2f3e-4c6d-9e8f-0a1b2c3d4e5f"},
		{[]string{"-app-id", "cloudhub", "-plan"}, 2, "check -app-id"},
		{[]string{"-app-id", "c1a0d0b5-2f3e-4c6d-9e8f-0a1b2c3d4e5f", "-scopes", "User.Read,user.read", "-plan"}, 2, "check -scopes"},
		{[]string{"-grant-consent", "-plan"}, 2, "needs PartnerApp"},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), tc.args, &out, &errOut)
		if code != tc.code || !strings.Contains(out.String()+errOut.String(), tc.want) {
			t.Errorf("%v: exit %d, want %d with %q\nstdout: %s\nstderr: %s", tc.args, code, tc.code, tc.want, out.String(), errOut.String())
		}
	}
}

func TestProvisionJSONMasksPassword(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"-json"}, &out, &bytes.Buffer{}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	var res struct {
		Password string
		Created  bool
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if !res.Created || res.Password != "[REDACTED]" {
		t.Errorf("got %+v", res)
	}
	out.Reset()
	run(context.Background(), []string{"-json", "-show-password"}, &out, &bytes.Buffer{})
	_ = json.Unmarshal(out.Bytes(), &res)
	if len(res.Password) != 24 {
		t.Errorf("-show-password: password %q", res.Password)
	}
}

func TestProvisionTAPShowsPassOnlyWhenAsked(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"-tap", "-json"}, &out, &bytes.Buffer{}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	var res struct {
		Password            string
		TemporaryAccessPass struct{ Pass string }
		PassCode            string `json:"temporaryAccessPassCode"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if res.Password != "" || res.TemporaryAccessPass.Pass != "[REDACTED]" || res.PassCode != "" {
		t.Errorf("without -show-password: %+v", res)
	}
	out.Reset()
	run(context.Background(), []string{"-tap", "-json", "-show-password"}, &out, &bytes.Buffer{})
	res.PassCode = ""
	_ = json.Unmarshal(out.Bytes(), &res)
	if res.Password != "" || len(res.PassCode) < 8 {
		t.Errorf("with -show-password: password %q, pass of %d characters", res.Password, len(res.PassCode))
	}
}
