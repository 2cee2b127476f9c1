package serviceaccount_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/google/go-cmp/cmp"
)

// invalidCase is a spec that breaks exactly one validation rule.
type invalidCase struct {
	name   string
	modify func(*serviceaccount.Spec)
	// field and value are the FieldError's; the message must name both.
	field, value string
	// secret, when set, must not appear in the error.
	secret string
	// is, when set, is the sentinel the error must satisfy besides
	// directory.ErrInvalid; unset, it must satisfy none of classifying.
	is error
	// mention, when set, must appear in the message.
	mention []string
}

// classifying are the sentinels a FieldError may wrap.
var classifying = []error{roles.ErrUnknownWorkload, roles.ErrNoReadOnlyRole, roles.ErrUnknownRole, serviceaccount.ErrPrivileged}

// checkClass checks that err satisfies errors.Is against is, and against
// no other sentinel of classifying.
func checkClass(t *testing.T, err, is error) {
	t.Helper()
	for _, s := range classifying {
		if got, want := errors.Is(err, s), s == is; got != want {
			t.Errorf("errors.Is(%v, %q) = %t, want %t", err, s, got, want)
		}
	}
}

func withUPN(upn string) func(*serviceaccount.Spec) {
	return func(s *serviceaccount.Spec) { s.UserPrincipalName = upn }
}

// invalidCases has one case per validation rule that needs no directory.
func invalidCases() []invalidCase {
	long65 := strings.Repeat("a", 65)
	// 60 + 1 + 60 = 121 > 113 characters, each part valid on its own.
	longUPN := strings.Repeat("a", 60) + "@" + strings.Repeat("b", 30) + "." + strings.Repeat("c", 29)
	cases := []invalidCase{
		{name: "UPN/empty", modify: withUPN(""), field: "UserPrincipalName", value: ""},
		{name: "UPN/missing @", modify: withUPN("svc-contoso.onmicrosoft.com"), field: "UserPrincipalName", value: "svc-contoso.onmicrosoft.com"},
		{name: "UPN/two @", modify: withUPN("svc@x@contoso.onmicrosoft.com"), field: "UserPrincipalName", value: "svc@x@contoso.onmicrosoft.com"},
		{name: "UPN/empty local part", modify: withUPN("@contoso.onmicrosoft.com"), field: "UserPrincipalName", value: "@contoso.onmicrosoft.com"},
		{name: "UPN/only periods", modify: withUPN("...@contoso.onmicrosoft.com"), field: "UserPrincipalName", value: "...@contoso.onmicrosoft.com"},
		{name: "UPN/local part of 65", modify: withUPN(long65 + "@contoso.onmicrosoft.com"), field: "UserPrincipalName", value: long65 + "@contoso.onmicrosoft.com"},
		{name: "UPN/longer than 113", modify: withUPN(longUPN), field: "UserPrincipalName", value: longUPN},
		{name: "UPN/leading dot", modify: withUPN(".svc@contoso.onmicrosoft.com"), field: "UserPrincipalName", value: ".svc@contoso.onmicrosoft.com"},
		{name: "UPN/trailing dot", modify: withUPN("svc.@contoso.onmicrosoft.com"), field: "UserPrincipalName", value: "svc.@contoso.onmicrosoft.com"},
		{name: "UPN/double dot", modify: withUPN("svc..cloudhub@contoso.onmicrosoft.com"), field: "UserPrincipalName", value: "svc..cloudhub@contoso.onmicrosoft.com"},
		{name: "UPN/space", modify: withUPN("svc cloudhub@contoso.onmicrosoft.com"), field: "UserPrincipalName", value: "svc cloudhub@contoso.onmicrosoft.com"},
		{name: "UPN/percent", modify: withUPN("svc%cloudhub@contoso.onmicrosoft.com"), field: "UserPrincipalName", value: "svc%cloudhub@contoso.onmicrosoft.com"},
		{name: "UPN/ampersand", modify: withUPN("svc&cloudhub@contoso.onmicrosoft.com"), field: "UserPrincipalName", value: "svc&cloudhub@contoso.onmicrosoft.com"},
		{name: "UPN/non-ASCII", modify: withUPN("svc-zoë@contoso.onmicrosoft.com"), field: "UserPrincipalName", value: "svc-zoë@contoso.onmicrosoft.com"},
		{name: "UPN/invalid UTF-8", modify: withUPN("svc\xff@contoso.onmicrosoft.com"), field: "UserPrincipalName", value: "svc\xff@contoso.onmicrosoft.com"},
		{name: "UPN/control character", modify: withUPN("svc\n@contoso.onmicrosoft.com"), field: "UserPrincipalName", value: "svc\n@contoso.onmicrosoft.com"},
		{name: "UPN/OData quote injection", modify: withUPN("a'or'1'eq'1@contoso.onmicrosoft.com)"), field: "UserPrincipalName", value: "a'or'1'eq'1@contoso.onmicrosoft.com)"},
		{name: "domain/single label", modify: withUPN("svc@contoso"), field: "UserPrincipalName", value: "svc@contoso"},
		{name: "domain/empty", modify: withUPN("svc@"), field: "UserPrincipalName", value: "svc@"},
		{name: "domain/empty label", modify: withUPN("svc@contoso..com"), field: "UserPrincipalName", value: "svc@contoso..com"},
		{name: "domain/leading hyphen", modify: withUPN("svc@-contoso.com"), field: "UserPrincipalName", value: "svc@-contoso.com"},
		{name: "domain/underscore", modify: withUPN("svc@con_toso.com"), field: "UserPrincipalName", value: "svc@con_toso.com"},
		{name: "domain/non-ASCII", modify: withUPN("svc@contosö.com"), field: "UserPrincipalName", value: "svc@contosö.com"},
		{name: "domain/trailing dot", modify: withUPN("svc@contoso.com."), field: "UserPrincipalName", value: "svc@contoso.com."},
		{name: "domain/label of 64", modify: withUPN("svc@" + strings.Repeat("d", 64) + ".com"), field: "UserPrincipalName", value: "svc@" + strings.Repeat("d", 64) + ".com"},

		{name: "DisplayName/empty", modify: func(s *serviceaccount.Spec) { s.DisplayName = "" }, field: "DisplayName", value: ""},
		{name: "DisplayName/blank", modify: func(s *serviceaccount.Spec) { s.DisplayName = " \t " }, field: "DisplayName", value: " \t "},
		{name: "DisplayName/257 runes", modify: func(s *serviceaccount.Spec) { s.DisplayName = strings.Repeat("é", 257) }, field: "DisplayName", value: strings.Repeat("é", 257)},
		{name: "DisplayName/control character", modify: func(s *serviceaccount.Spec) { s.DisplayName = "CloudHub\x07svc" }, field: "DisplayName", value: "CloudHub\x07svc"},
		{name: "DisplayName/newline", modify: func(s *serviceaccount.Spec) { s.DisplayName = "CloudHub\nsvc" }, field: "DisplayName", value: "CloudHub\nsvc"},
		{name: "DisplayName/invalid UTF-8", modify: func(s *serviceaccount.Spec) { s.DisplayName = "CloudHub \xc3" }, field: "DisplayName", value: "CloudHub \xc3"},

		{name: "MailNickname/65", modify: func(s *serviceaccount.Spec) { s.MailNickname = long65 }, field: "MailNickname", value: long65},
		{name: "MailNickname/non-ASCII", modify: func(s *serviceaccount.Spec) { s.MailNickname = "svc-zoë" }, field: "MailNickname", value: "svc-zoë"},
		{name: "MailNickname/tab", modify: func(s *serviceaccount.Spec) { s.MailNickname = "svc\tx" }, field: "MailNickname", value: "svc\tx"},

		{name: "UsageLocation/empty", modify: func(s *serviceaccount.Spec) { s.UsageLocation = "" }, field: "UsageLocation", value: ""},
		{name: "UsageLocation/XX", modify: func(s *serviceaccount.Spec) { s.UsageLocation = "XX" }, field: "UsageLocation", value: "XX"},
		{name: "UsageLocation/alpha-3 USA", modify: func(s *serviceaccount.Spec) { s.UsageLocation = "USA" }, field: "UsageLocation", value: "USA"},
		{name: "UsageLocation/UK is not ISO", modify: func(s *serviceaccount.Spec) { s.UsageLocation = "UK" }, field: "UsageLocation", value: "UK"},
		{name: "UsageLocation/one letter", modify: func(s *serviceaccount.Spec) { s.UsageLocation = "A" }, field: "UsageLocation", value: "A"},

		{name: "Access/out of range", modify: func(s *serviceaccount.Spec) { s.Access = roles.Access(7) }, field: "Access", value: "7"},
		{name: "Workloads/unknown", modify: func(s *serviceaccount.Spec) { s.Workloads = []roles.Workload{roles.Teams, "bogus"} }, field: "Workloads", value: "teams,bogus", is: roles.ErrUnknownWorkload},
		{name: "Workloads/wrong case", modify: func(s *serviceaccount.Spec) { s.Workloads = []roles.Workload{"Teams"} }, field: "Workloads", value: "Teams", is: roles.ErrUnknownWorkload},
		{name: "Workloads/compliance has no read-only role", modify: func(s *serviceaccount.Spec) {
			s.Workloads, s.Access = []roles.Workload{roles.Compliance}, roles.ReadOnly
		}, field: "Workloads", value: "compliance", is: roles.ErrNoReadOnlyRole},
		{name: "Roles/unknown", modify: func(s *serviceaccount.Spec) { s.Roles = []string{"Teams Admin"} }, field: "Roles", value: "Teams Admin", is: roles.ErrUnknownRole},
		{name: "Roles/none at all", modify: func(s *serviceaccount.Spec) { s.Workloads, s.Roles = nil, nil }, field: "Workloads", value: ""},

		{name: "privileged/Global Administrator", modify: func(s *serviceaccount.Spec) { s.Roles = []string{"Global Administrator"} }, field: "Roles", value: "Global Administrator", is: serviceaccount.ErrPrivileged},
		{name: "privileged/Global Administrator by template ID", modify: func(s *serviceaccount.Spec) { s.Roles = []string{globalAdminID} }, field: "Roles", value: "Global Administrator", is: serviceaccount.ErrPrivileged},
		{name: "privileged/Company Administrator (former name)", modify: func(s *serviceaccount.Spec) { s.Roles = []string{"company administrator"} }, field: "Roles", value: "Global Administrator", is: serviceaccount.ErrPrivileged},
		{name: "privileged/Privileged Role Administrator", modify: func(s *serviceaccount.Spec) { s.Roles = []string{"Privileged Role Administrator"} }, field: "Roles", value: "Privileged Role Administrator", is: serviceaccount.ErrPrivileged},
		{name: "privileged/Privileged Authentication Administrator", modify: func(s *serviceaccount.Spec) { s.Roles = []string{"Privileged Authentication Administrator"} }, field: "Roles", value: "Privileged Authentication Administrator", is: serviceaccount.ErrPrivileged},
		{name: "privileged/Global Reader via read-only Exchange", modify: func(s *serviceaccount.Spec) {
			s.Workloads, s.Access = []roles.Workload{roles.Exchange}, roles.ReadOnly
		}, field: "Workloads", value: "exchange", is: serviceaccount.ErrPrivileged, mention: []string{"Global Reader"}},
		{name: "privileged/Global Reader via read-only Exchange and by name", modify: func(s *serviceaccount.Spec) {
			s.Workloads, s.Access, s.Roles = []roles.Workload{roles.Exchange}, roles.ReadOnly, []string{"Global Reader"}
		}, field: "Workloads", value: "exchange", is: serviceaccount.ErrPrivileged, mention: []string{"Global Reader"}},

		{name: "Password/too short", modify: func(s *serviceaccount.Spec) { s.Password = directory.NewPassword("Ab1!xyz") }, field: "Password", value: "[REDACTED]", secret: "Ab1!xyz"},
		{name: "Password/one class", modify: func(s *serviceaccount.Spec) { s.Password = directory.NewPassword("onlylowercaseletters") }, field: "Password", value: "[REDACTED]", secret: "onlylowercaseletters"},
		{name: "Password/two classes", modify: func(s *serviceaccount.Spec) { s.Password = directory.NewPassword("lowercase12345") }, field: "Password", value: "[REDACTED]", secret: "lowercase12345"},
		{name: "Password/control character", modify: func(s *serviceaccount.Spec) { s.Password = directory.NewPassword("Secret-Pa55\x00word") }, field: "Password", value: "[REDACTED]", secret: "Secret-Pa55\x00word"},
		{name: "Password/257 characters", modify: func(s *serviceaccount.Spec) { s.Password = directory.NewPassword("Aa1!" + strings.Repeat("x", 253)) }, field: "Password", value: "[REDACTED]", secret: "Aa1!" + strings.Repeat("x", 253)},
	}
	for _, c := range "@()\\[]\";:<>, " {
		nick := "svc" + string(c) + "x"
		cases = append(cases, invalidCase{
			name:   fmt.Sprintf("MailNickname/forbidden %q", c),
			modify: func(s *serviceaccount.Spec) { s.MailNickname = nick },
			field:  "MailNickname", value: nick,
		})
	}
	return cases
}

// checkFieldError checks that err is exactly one *FieldError for field with
// value, classified ErrInvalid, and that its message names both.
func checkFieldError(t *testing.T, err error, field, value string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want a FieldError for %s %q", field, value)
	}
	if !errors.Is(err, directory.ErrInvalid) {
		t.Errorf("errors.Is(%v, directory.ErrInvalid) = false", err)
	}
	var fe *serviceaccount.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("errors.As(%v, *FieldError) = false", err)
	}
	var got []string
	for _, fe := range fieldErrors(err) {
		got = append(got, fe.Field+"="+fe.Value)
	}
	if diff := cmp.Diff([]string{field + "=" + value}, got); diff != "" {
		t.Errorf("field errors (-want +got):\n%s\nerror: %v", diff, err)
	}
	msg := err.Error()
	if !strings.Contains(msg, field) || !strings.Contains(msg, fmt.Sprintf("%q", value)) {
		t.Errorf("error %q does not name the field %s and the value %q", msg, field, value)
	}
}

func TestValidationRules(t *testing.T) {
	for _, tc := range invalidCases() {
		t.Run(tc.name, func(t *testing.T) {
			spec := validSpec()
			tc.modify(&spec)
			fake, clk := newFake(t)
			p := newProvisioner(fake, clk, nil)

			_, err := p.Provision(context.Background(), spec)
			checkFieldError(t, err, tc.field, tc.value)
			_, planErr := p.Plan(context.Background(), spec)
			checkFieldError(t, planErr, tc.field, tc.value)
			for _, e := range []error{err, planErr} {
				checkClass(t, e, tc.is)
				for _, m := range tc.mention {
					if !strings.Contains(e.Error(), m) {
						t.Errorf("error %q does not mention %q", e, m)
					}
				}
			}

			if tc.secret != "" {
				for _, e := range []error{err, planErr} {
					for _, s := range []string{e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e)} {
						if strings.Contains(s, tc.secret) {
							t.Errorf("error reveals the password: %s", s)
						}
					}
				}
			}
		})
	}
}

// Invalid input never reaches the directory.
func TestInvalidSpecMakesNoDirectoryCall(t *testing.T) {
	for _, tc := range invalidCases() {
		t.Run(tc.name, func(t *testing.T) {
			spec := validSpec()
			tc.modify(&spec)
			fake, clk := newFake(t)
			p := newProvisioner(fake, clk, nil)
			if _, err := p.Provision(context.Background(), spec); err == nil {
				t.Fatal("Provision succeeded")
			}
			if _, err := p.Plan(context.Background(), spec); err == nil {
				t.Fatal("Plan succeeded")
			}
			if calls := fake.Calls(); len(calls) != 0 {
				t.Errorf("the directory was called: %v", calls)
			}
		})
	}
}

// A spec that breaks several rules reports each of them.
func TestValidationReportsEveryProblem(t *testing.T) {
	spec := serviceaccount.Spec{
		UserPrincipalName: "svc cloudhub@contoso.onmicrosoft.com",
		DisplayName:       "",
		MailNickname:      "svc;x",
		UsageLocation:     "USA",
		Roles:             []string{"Global Administrator"},
	}
	_, err := serviceaccount.New(directorytest.New(nil), nil).Plan(context.Background(), spec)
	var got []string
	for _, fe := range fieldErrors(err) {
		got = append(got, fe.Field)
	}
	want := []string{"UserPrincipalName", "DisplayName", "MailNickname", "UsageLocation", "Roles"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s\nerror: %v", diff, err)
	}
}

func TestValidSpecs(t *testing.T) {
	for _, tc := range []struct {
		name   string
		modify func(*serviceaccount.Spec)
		// wantUser holds the properties to find on the created user.
		wantUPN, wantNick, wantLocation string
		wantRoles                       []string
	}{
		{
			name:    "apostrophe in UPN",
			modify:  withUPN("o'brien@contoso.onmicrosoft.com"),
			wantUPN: "o'brien@contoso.onmicrosoft.com", wantNick: "o'brien", wantLocation: "AU",
			wantRoles: atTenant(teamsAdminID, exchangeAdminID),
		},
		{
			name:    "every symbol Entra allows",
			modify:  withUPN("a'b.c-d_e!f#g^h~i@contoso.onmicrosoft.com"),
			wantUPN: "a'b.c-d_e!f#g^h~i@contoso.onmicrosoft.com", wantNick: "a'b.c-d_e!f#g^h~i", wantLocation: "AU",
			wantRoles: atTenant(teamsAdminID, exchangeAdminID),
		},
		{
			name:    "local part of 64",
			modify:  withUPN(strings.Repeat("a", 64) + "@contoso.onmicrosoft.com"),
			wantUPN: strings.Repeat("a", 64) + "@contoso.onmicrosoft.com", wantNick: strings.Repeat("a", 64), wantLocation: "AU",
			wantRoles: atTenant(teamsAdminID, exchangeAdminID),
		},
		{
			name:    "surrounding space in UPN is trimmed",
			modify:  withUPN("  " + testUPN + " "),
			wantUPN: testUPN, wantNick: "svc-cloudhub", wantLocation: "AU",
			wantRoles: atTenant(teamsAdminID, exchangeAdminID),
		},
		{
			name:    "lower-case usage location is normalised",
			modify:  func(s *serviceaccount.Spec) { s.UsageLocation = "au" },
			wantUPN: testUPN, wantNick: "svc-cloudhub", wantLocation: "AU",
			wantRoles: atTenant(teamsAdminID, exchangeAdminID),
		},
		{
			name:    "explicit mail nickname",
			modify:  func(s *serviceaccount.Spec) { s.MailNickname = "cloudhub.svc" },
			wantUPN: testUPN, wantNick: "cloudhub.svc", wantLocation: "AU",
			wantRoles: atTenant(teamsAdminID, exchangeAdminID),
		},
		{
			name: "display name of 256 runes",
			modify: func(s *serviceaccount.Spec) {
				s.DisplayName = strings.Repeat("é", 256)
			},
			wantUPN: testUPN, wantNick: "svc-cloudhub", wantLocation: "AU",
			wantRoles: atTenant(teamsAdminID, exchangeAdminID),
		},
		{
			name: "read-only Teams is not privileged",
			modify: func(s *serviceaccount.Spec) {
				s.Workloads, s.Access = []roles.Workload{roles.Teams}, roles.ReadOnly
			},
			wantUPN: testUPN, wantNick: "svc-cloudhub", wantLocation: "AU",
			wantRoles: atTenant("1076ac91-f3d9-41a7-a339-dcdf5f480acc"),
		},
		{
			name: "extra role by former name and duplicates",
			modify: func(s *serviceaccount.Spec) {
				s.Workloads = []roles.Workload{roles.Teams}
				s.Roles = []string{"Exchange Service Administrator", "teams administrator", exchangeAdminID}
			},
			wantUPN: testUPN, wantNick: "svc-cloudhub", wantLocation: "AU",
			wantRoles: atTenant(teamsAdminID, exchangeAdminID),
		},
		{
			name: "only extra roles",
			modify: func(s *serviceaccount.Spec) {
				s.Workloads, s.Roles = nil, []string{"Compliance Administrator"}
			},
			wantUPN: testUPN, wantNick: "svc-cloudhub", wantLocation: "AU",
			wantRoles: atTenant(complianceAdminID),
		},
		{
			name: "strong caller password",
			modify: func(s *serviceaccount.Spec) {
				s.Password = directory.NewPassword("Correct-Horse-Battery-9")
			},
			wantUPN: testUPN, wantNick: "svc-cloudhub", wantLocation: "AU",
			wantRoles: atTenant(teamsAdminID, exchangeAdminID),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := validSpec()
			tc.modify(&spec)
			fake, clk := newFake(t)
			res, err := newProvisioner(fake, clk, nil).Provision(context.Background(), spec)
			if err != nil {
				t.Fatalf("Provision: %v", err)
			}
			u, err := fake.User(context.Background(), tc.wantUPN)
			if err != nil {
				t.Fatalf("User: %v", err)
			}
			got := []string{u.UserPrincipalName, u.MailNickname, u.UsageLocation}
			if diff := cmp.Diff([]string{tc.wantUPN, tc.wantNick, tc.wantLocation}, got); diff != "" {
				t.Errorf("UPN, mailNickname, usageLocation (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantRoles, heldRoles(t, fake, u.ID)); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantLocation, res.Account.UsageLocation); diff != "" {
				t.Errorf("Result.Account.UsageLocation (-want +got):\n%s", diff)
			}
		})
	}
}

// Privileged roles are granted with AllowPrivileged, and the plan and the
// result say so.
func TestAllowPrivileged(t *testing.T) {
	for _, tc := range []struct {
		name     string
		modify   func(*serviceaccount.Spec)
		wantRole string
		wantID   string
	}{
		{"Global Administrator", func(s *serviceaccount.Spec) { s.Roles = []string{"Global Administrator"} }, "Global Administrator", globalAdminID},
		{"Privileged Role Administrator", func(s *serviceaccount.Spec) { s.Roles = []string{"Privileged Role Administrator"} }, "Privileged Role Administrator", "e8611ab8-c189-46e8-94e1-60213ab1f814"},
		{"Privileged Authentication Administrator", func(s *serviceaccount.Spec) { s.Roles = []string{"Privileged Authentication Administrator"} }, "Privileged Authentication Administrator", "7be44c8a-adaf-4e2a-84d6-ab2649e08a13"},
		{"Global Reader via read-only Exchange", func(s *serviceaccount.Spec) {
			s.Workloads, s.Access = []roles.Workload{roles.Exchange}, roles.ReadOnly
		}, "Global Reader", globalReaderID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := validSpec()
			tc.modify(&spec)
			spec.AllowPrivileged = true
			fake, clk := newFake(t)
			p := newProvisioner(fake, clk, nil)
			plan, err := p.Plan(context.Background(), spec)
			if err != nil {
				t.Fatalf("Plan: %v", err)
			}
			wantWarning := "privileged role " + tc.wantRole + " granted because AllowPrivileged is set"
			if !containsString(plan.Warnings, wantWarning) {
				t.Errorf("Plan.Warnings = %q, want %q", plan.Warnings, wantWarning)
			}
			if !strings.Contains(plan.String(), "! "+wantWarning) {
				t.Errorf("Plan.String() does not show the warning:\n%s", plan)
			}
			res, err := p.Provision(context.Background(), spec)
			if err != nil {
				t.Fatalf("Provision: %v", err)
			}
			if !containsString(res.Warnings, wantWarning) {
				t.Errorf("Result.Warnings = %q, want %q", res.Warnings, wantWarning)
			}
			if held := heldRoles(t, fake, res.Account.ID); !containsString(held, tc.wantID+"@/") {
				t.Errorf("roles held = %v, want %s among them", held, tc.wantID)
			}
		})
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The UPN's domain must be a verified domain of the tenant; that takes the
// one read, and nothing is written.
func TestUPNDomainNotVerified(t *testing.T) {
	for _, tc := range []struct {
		name, upn  string
		wantReason string
	}{
		{"not a domain of the tenant", "svc@fabrikam.com", `domain "fabrikam.com" is not a domain of the tenant (verified domains: contoso.onmicrosoft.com)`},
		{"a domain of the tenant, not verified", "svc@contoso.com", `domain "contoso.com" is not verified in the tenant`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			fake := directorytest.New(&directorytest.Options{Now: clk.Now, Domains: []directory.Domain{
				{ID: directorytest.DefaultDomain, IsVerified: true, IsInitial: true, IsDefault: true},
				{ID: "contoso.com"},
			}})
			p := newProvisioner(fake, clk, nil)
			spec := validSpec()
			spec.UserPrincipalName = tc.upn
			_, err := p.Provision(context.Background(), spec)
			checkFieldError(t, err, "UserPrincipalName", tc.upn)
			if !strings.Contains(err.Error(), tc.wantReason) {
				t.Errorf("error %q does not say %q", err, tc.wantReason)
			}
			_, err = p.Plan(context.Background(), spec)
			checkFieldError(t, err, "UserPrincipalName", tc.upn)
			want := []directorytest.Call{{Op: directorytest.OpSnapshot, Object: tc.upn}, {Op: directorytest.OpSnapshot, Object: tc.upn}}
			if diff := cmp.Diff(want, fake.Calls()); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateUPN(t *testing.T) {
	for _, tc := range []struct {
		upn   string
		valid bool
	}{
		{"svc@contoso.onmicrosoft.com", true},
		{"o'brien@contoso.onmicrosoft.com", true},
		{"SVC.Cloud-Hub_1@Contoso.COM", true},
		{"a@b.co", true},
		{"x#EXT#@contoso.onmicrosoft.com", true},
		{strings.Repeat("a", 64) + "@contoso.com", true},
		{strings.Repeat("a", 65) + "@contoso.com", false},
		{"", false},
		{"svc", false},
		{"svc@", false},
		{"@contoso.com", false},
		{"svc@@contoso.com", false},
		{"svc@contoso.com@", false},
		{".svc@contoso.com", false},
		{"svc.@contoso.com", false},
		{"s..vc@contoso.com", false},
		{"s vc@contoso.com", false},
		{"s%vc@contoso.com", false},
		{"s&vc@contoso.com", false},
		{"s+vc@contoso.com", false},
		{"s\"vc@contoso.com", false},
		{"zoë@contoso.com", false},
		{"svc@localhost", false},
		{"svc@contoso-.com", false},
		{" svc@contoso.com", false},
	} {
		err := serviceaccount.ValidateUPN(tc.upn)
		if (err == nil) != tc.valid {
			t.Errorf("ValidateUPN(%q) = %v, want valid=%v", tc.upn, err, tc.valid)
			continue
		}
		if err != nil {
			checkFieldError(t, err, "UserPrincipalName", tc.upn)
		}
	}
}

func TestMailNicknameFromUPN(t *testing.T) {
	for _, tc := range []struct{ upn, want string }{
		{"svc-cloudhub@contoso.onmicrosoft.com", "svc-cloudhub"},
		{"o'brien@contoso.onmicrosoft.com", "o'brien"},
		{"first.last@contoso.com", "first.last"},
		{"svc#1!^~@contoso.com", "svc#1!^~"},
		{".svc.@contoso.com", "svc"},
		{"a b(c)d[e]f\\g\"h;i:j<k>l,m@contoso.com", "abcdefghijklm"},
		{"zoë@contoso.com", "zo"},
		{"üñí@contoso.com", ""},
		{"no-at-sign", "no-at-sign"},
		{"", ""},
		{"@contoso.com", ""},
		{strings.Repeat("n", 80) + "@contoso.com", strings.Repeat("n", 64)},
		{"tab\there@contoso.com", "tabhere"},
	} {
		got := serviceaccount.MailNicknameFromUPN(tc.upn)
		if got != tc.want {
			t.Errorf("MailNicknameFromUPN(%q) = %q, want %q", tc.upn, got, tc.want)
		}
		if got != "" {
			if err := serviceaccount.ValidateMailNickname(got); err != nil {
				t.Errorf("MailNicknameFromUPN(%q) = %q, which is invalid: %v", tc.upn, got, err)
			}
		}
		if n := utf8.RuneCountInString(got); n > 64 {
			t.Errorf("MailNicknameFromUPN(%q) has %d characters", tc.upn, n)
		}
	}
}

func TestValidateMailNickname(t *testing.T) {
	for _, nick := range []string{"svc", "svc-cloudhub", "o'brien", "a.b", strings.Repeat("n", 64), "!#$%&'*+-/=?^_`{|}~"} {
		if err := serviceaccount.ValidateMailNickname(nick); err != nil {
			t.Errorf("ValidateMailNickname(%q) = %v, want nil", nick, err)
		}
	}
	for _, nick := range []string{"", strings.Repeat("n", 65), "a b", "a@b", "a(b", "a)b", "a\\b", "a[b", "a]b", "a\"b", "a;b", "a:b", "a<b", "a>b", "a,b", "zoë", "a\x00b"} {
		checkFieldError(t, serviceaccount.ValidateMailNickname(nick), "MailNickname", nick)
	}
}
