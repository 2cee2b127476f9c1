package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cloudhub/consent/roles"
	"github.com/google/go-cmp/cmp"
)

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		code     int
		stdout   []string // substrings of stdout
		stderr   string   // substring of stderr
		noStdout string   // must not appear in stdout
	}{
		{args: nil, stdout: []string{"WORKLOAD", "compliance", "Global Reader *", "136 roles"}},
		{args: []string{"-workloads", "teams,exchange"}, stdout: []string{"Exchange Administrator", "Teams Administrator", "2 roles"}, noStdout: "WORKLOAD"},
		{args: []string{"-workloads", "Teams,teams-voice", "-read-only"}, stdout: []string{"Teams Reader", "1 role "}},
		{args: []string{"-privileged"}, stdout: []string{"Global Administrator *", "34 roles"}, noStdout: "Teams Administrator"},
		{args: []string{"-search", "62E90394"}, stdout: []string{"Global Administrator *", "1 role "}},
		{args: []string{"-search", "teams READER"}, stdout: []string{"Teams Reader", "1 role "}},
		{args: []string{"-h"}, code: 0, stderr: "-workloads"},
		{args: []string{"-bogus"}, code: 2, stderr: "-bogus"},
		{args: []string{"extra"}, code: 2, stderr: `"extra"`},
		{args: []string{"-read-only"}, code: 2, stderr: "-read-only needs -workloads"},
		{args: []string{"-workloads", "teamz"}, code: 2, stderr: `unknown workload "teamz"`},
		{args: []string{"-workloads", ","}, code: 2, stderr: "no workloads"},
		{args: []string{"-workloads", "compliance", "-read-only"}, code: 2, stderr: `workload "compliance" has no read-only role`},
	} {
		var stdout, stderr strings.Builder
		code := run(tc.args, &stdout, &stderr)
		if code != tc.code {
			t.Errorf("run(%q) = %d, want %d; stderr:\n%s", tc.args, code, tc.code, &stderr)
		}
		for _, want := range tc.stdout {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("run(%q) stdout does not contain %q:\n%s", tc.args, want, &stdout)
			}
		}
		if tc.noStdout != "" && strings.Contains(stdout.String(), tc.noStdout) {
			t.Errorf("run(%q) stdout contains %q:\n%s", tc.args, tc.noStdout, &stdout)
		}
		if !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("run(%q) stderr does not contain %q:\n%s", tc.args, tc.stderr, &stderr)
		}
	}
}

func TestRunJSON(t *testing.T) {
	var stdout, stderr strings.Builder
	if code := run([]string{"-json", "-workloads", "teams,exchange", "-read-only"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, &stderr)
	}
	var got output
	if err := json.Unmarshal([]byte(stdout.String()), &got); err != nil {
		t.Fatal(err)
	}
	want, err := roles.ForWorkloads(roles.ReadOnly, roles.Teams, roles.Exchange)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(output{Roles: want}, got); diff != "" {
		t.Errorf("JSON output (-want +got):\n%s", diff)
	}

	stdout.Reset()
	if code := run([]string{"-json"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, &stderr)
	}
	got = output{}
	if err := json.Unmarshal([]byte(stdout.String()), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(output{Workloads: roles.Workloads(), Roles: roles.All()}, got); diff != "" {
		t.Errorf("JSON output (-want +got):\n%s", diff)
	}
}
