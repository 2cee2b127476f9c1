package serviceaccount

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
)

// FuzzValidateSpec feeds arbitrary strings to the fields a caller types.
// Validation never panics; an invalid spec is a FieldError and makes no
// directory call; a valid one either provisions an account that has exactly
// the validated properties, or fails with a classified error.
func FuzzValidateSpec(f *testing.F) {
	for _, s := range [][4]string{
		{"svc-cloudhub@contoso.onmicrosoft.com", "CloudHub service account", "", "AU"},
		{"o'brien@contoso.onmicrosoft.com", "O'Brien", "obrien", "au"},
		{"svc@fabrikam.com", "Fabrikam", "", "US"},
		{"a'or'1'eq'1@contoso.onmicrosoft.com", "x", "", "GB"},
		{"svc%27@contoso.onmicrosoft.com", "x", "svc", "FR"},
		{"zoë@contoso.onmicrosoft.com", "Zoë", "", "DE"},
		{"@", "", "", ""},
		{"svc..x@contoso.onmicrosoft.com", "a\x00b", "a b", "USA"},
		{strings.Repeat("a", 64) + "@contoso.onmicrosoft.com", strings.Repeat("é", 256), strings.Repeat("n", 64), "nz"},
		{" svc@contoso.onmicrosoft.com ", " padded ", "", " au "},
		{"svc@contoso.onmicrosoft.com\u00a0", "\u2028", "\xff", "\u00c5X"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, upn, displayName, nick, location string) {
		spec := Spec{
			UserPrincipalName: upn, DisplayName: displayName, MailNickname: nick, UsageLocation: location,
			Workloads: []roles.Workload{roles.Teams}, Access: roles.Admin,
		}
		n, verr := spec.validate()
		fake := directorytest.New(nil)
		p := New(fake, nil)
		res, err := p.Provision(context.Background(), spec)

		if verr != nil {
			var fe *FieldError
			if !errors.As(verr, &fe) || !errors.Is(verr, directory.ErrInvalid) {
				t.Fatalf("validate = %v; want a FieldError classified ErrInvalid", verr)
			}
			if err == nil || err.Error() != verr.Error() {
				t.Fatalf("Provision = %v; want the validation error %v", err, verr)
			}
			if calls := fake.Calls(); len(calls) != 0 {
				t.Fatalf("an invalid spec reached the directory: %v (%v)", calls, verr)
			}
			return
		}
		// Valid: the normalised values obey the rules on their own.
		if ValidateUPN(n.spec.UserPrincipalName) != nil || ValidateMailNickname(n.spec.MailNickname) != nil ||
			!isCountryCode(n.spec.UsageLocation) || !utf8.ValidString(n.spec.DisplayName) || utf8.RuneCountInString(n.spec.DisplayName) > maxDisplayName {
			t.Fatalf("validate accepted %+v", n.spec)
		}
		if err != nil {
			if !isClassified(err) {
				t.Fatalf("Provision of a valid spec = %v; want a classified error", err)
			}
			if _, uerr := fake.User(context.Background(), n.spec.UserPrincipalName); !errors.Is(uerr, directory.ErrNotFound) {
				t.Fatalf("Provision failed (%v) and left the account behind (%v)", err, uerr)
			}
			return
		}
		u, uerr := fake.User(context.Background(), res.Account.ID)
		if uerr != nil {
			t.Fatalf("the provisioned account cannot be read: %v", uerr)
		}
		if u.UserPrincipalName != n.spec.UserPrincipalName || u.DisplayName != n.spec.DisplayName ||
			u.MailNickname != n.spec.MailNickname || u.UsageLocation != n.spec.UsageLocation || !IsManaged(u) {
			t.Fatalf("account %+v does not match the spec %+v", u, n.spec)
		}
	})
}

// FuzzMailNicknameFromUPN: a derived nickname is always valid, or empty.
func FuzzMailNicknameFromUPN(f *testing.F) {
	for _, s := range []string{
		"svc-cloudhub@contoso.onmicrosoft.com", "o'brien@contoso.com", ".svc.@x", "a b(c)@x",
		"üñí@x", "", "@", "no-at", strings.Repeat("n", 100) + "@x", "...@x", "\x00\x7f@x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, upn string) {
		nick := MailNicknameFromUPN(upn)
		if nick == "" {
			return
		}
		if err := ValidateMailNickname(nick); err != nil {
			t.Fatalf("MailNicknameFromUPN(%q) = %q, invalid: %v", upn, nick, err)
		}
		if strings.HasPrefix(nick, ".") || strings.HasSuffix(nick, ".") {
			t.Fatalf("MailNicknameFromUPN(%q) = %q starts or ends with a period", upn, nick)
		}
		local, _, _ := strings.Cut(upn, "@")
		if !isSubsequence(nick, local) {
			t.Fatalf("MailNicknameFromUPN(%q) = %q is not drawn from the local part", upn, nick)
		}
	})
}

func isSubsequence(sub, s string) bool {
	i := 0
	for j := 0; j < len(s) && i < len(sub); j++ {
		if s[j] == sub[i] {
			i++
		}
	}
	return i == len(sub)
}

// FuzzValidateUPN: ValidateUPN never panics, and a UPN it accepts is
// printable ASCII with one @ and a local part of at most 64 characters.
func FuzzValidateUPN(f *testing.F) {
	for _, s := range []string{"svc@contoso.onmicrosoft.com", "o'brien@contoso.com", "a@b", "a@@b.c", "x#EXT#@t.onmicrosoft.com", "\xff@x.y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, upn string) {
		err := ValidateUPN(upn)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != "UserPrincipalName" || fe.Value != upn {
				t.Fatalf("ValidateUPN(%q) = %#v", upn, err)
			}
			return
		}
		local, _, _ := strings.Cut(upn, "@")
		if strings.Count(upn, "@") != 1 || len(local) == 0 || len(local) > 64 || len(upn) > 113 {
			t.Fatalf("ValidateUPN accepted %q", upn)
		}
		for _, r := range upn {
			if r < 0x21 || r > 0x7e {
				t.Fatalf("ValidateUPN accepted %q with %U", upn, r)
			}
		}
		if MailNicknameFromUPN(upn) == "" {
			t.Fatalf("valid UPN %q gives no mail nickname", upn)
		}
	})
}

// isClassified reports whether err matches one of the directory sentinels.
func isClassified(err error) bool {
	for _, s := range []error{directory.ErrNotFound, directory.ErrExists, directory.ErrPermission, directory.ErrThrottled, directory.ErrUnavailable, directory.ErrInvalid} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
