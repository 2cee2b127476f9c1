package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestOnboardWalkThrough(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), nil, &out, &errOut); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, errOut.String())
	}
	s := out.String()
	for _, want := range []string{
		"3 to add, 0 to remove",
		"temporary password: [REDACTED]",
		"FAILED (2 of 10 checks did not pass)",
		"PASSED",
		"up to date, 0 change(s)",
		"UNEXPECTED PRIVILEGED ROLE(S): Global Administrator at /",
		"behaved as expected",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q", want)
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
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-json"}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	// Every report is a JSON object with checks.
	dec := json.NewDecoder(strings.NewReader(out.String()[strings.Index(out.String(), "{"):]))
	var rep struct {
		Checks []struct{ ID, Status string }
	}
	if err := dec.Decode(&rep); err != nil || len(rep.Checks) == 0 {
		t.Errorf("first report does not decode: %v %+v", err, rep)
	}
}

func TestOnboardBadFlags(t *testing.T) {
	if err := run(context.Background(), []string{"-nope"}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("unknown flag accepted")
	}
	if err := run(context.Background(), []string{"-upn", "bad upn"}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "UserPrincipalName") {
		t.Errorf("bad -upn: %v", err)
	}
}
