package serviceaccount

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/google/go-cmp/cmp"
)

func TestPartnerAppValidate(t *testing.T) {
	const id = "0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f"
	for _, tc := range []struct {
		name string
		app  PartnerApp
		// want are the fields and values the errors name, in order.
		want [][2]string
	}{
		{"valid", PartnerApp{ClientID: id, Scopes: []string{"User.ReadWrite.All", "Group.Read.All"}}, nil},
		{"no client ID", PartnerApp{Scopes: []string{"User.Read"}}, [][2]string{{"PartnerApp.ClientID", ""}}},
		{"client ID not a GUID", PartnerApp{ClientID: "cloudhub", Scopes: []string{"User.Read"}}, [][2]string{{"PartnerApp.ClientID", "cloudhub"}}},
		{"Microsoft Graph itself", PartnerApp{ClientID: directory.MicrosoftGraphAppID, Scopes: []string{"User.Read"}}, [][2]string{{"PartnerApp.ClientID", directory.MicrosoftGraphAppID}}},
		{"no scopes", PartnerApp{ClientID: id}, [][2]string{{"PartnerApp.Scopes", ""}}},
		{"empty scope", PartnerApp{ClientID: id, Scopes: []string{"User.Read", ""}}, [][2]string{{"PartnerApp.Scopes[1]", ""}}},
		{"scope with a space", PartnerApp{ClientID: id, Scopes: []string{"User.Read Group.Read.All"}}, [][2]string{{"PartnerApp.Scopes[0]", "User.Read Group.Read.All"}}},
		{"duplicate scope", PartnerApp{ClientID: id, Scopes: []string{"User.Read", "user.read"}}, [][2]string{{"PartnerApp.Scopes[1]", "user.read"}}},
		{"non-ASCII scope", PartnerApp{ClientID: id, Scopes: []string{"Usér.Read"}}, [][2]string{{"PartnerApp.Scopes[0]", "Usér.Read"}}},
		{"every problem at once", PartnerApp{ClientID: "x", Scopes: []string{"a b", "c", "C"}},
			[][2]string{{"PartnerApp.ClientID", "x"}, {"PartnerApp.Scopes[0]", "a b"}, {"PartnerApp.Scopes[2]", "C"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.app.Validate()
			var got [][2]string
			if err != nil {
				if !errors.Is(err, directory.ErrInvalid) {
					t.Errorf("Validate() = %v: not ErrInvalid", err)
				}
				for _, e := range unjoin(err) {
					var fe *FieldError
					if !errors.As(e, &fe) {
						t.Fatalf("Validate() error %v is not a *FieldError", e)
					}
					if !strings.Contains(fe.Error(), fe.Field) || !strings.Contains(fe.Error(), fe.Value) {
						t.Errorf("error %q does not name field %q and value %q", fe, fe.Field, fe.Value)
					}
					got = append(got, [2]string{fe.Field, fe.Value})
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Validate() fields mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func TestSpecGrantConsentNeedsPartnerApp(t *testing.T) {
	spec := Spec{UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", UsageLocation: "AU", Roles: []string{"Teams Administrator"}, GrantConsent: true}
	_, err := spec.validate()
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "GrantConsent" {
		t.Fatalf("validate() = %v: want a FieldError for GrantConsent", err)
	}
	spec.PartnerApp = &PartnerApp{ClientID: "nope", Scopes: []string{"User.Read"}}
	if _, err := spec.validate(); !errors.As(err, &fe) || fe.Field != "PartnerApp.ClientID" {
		t.Fatalf("validate() = %v: want a FieldError for PartnerApp.ClientID", err)
	}
	if err := (Account{ID: "0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f", PartnerApp: spec.PartnerApp}).Validate(); !errors.As(err, &fe) || fe.Field != "PartnerApp.ClientID" {
		t.Fatalf("Account.Validate() = %v: want a FieldError for PartnerApp.ClientID", err)
	}
}

func TestAdminConsentURL(t *testing.T) {
	app := PartnerApp{ClientID: "0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f"}
	for _, tc := range []struct{ authority, tenant, want string }{
		{"", "contoso.onmicrosoft.com", "https://login.microsoftonline.com/contoso.onmicrosoft.com/adminconsent?client_id=0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f"},
		{"https://login.microsoftonline.us/", "7e57a11d-0000-4000-a000-000000000001", "https://login.microsoftonline.us/7e57a11d-0000-4000-a000-000000000001/adminconsent?client_id=0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f"},
		{"https://login.chinacloudapi.cn", "contoso.partner.onmschina.cn", "https://login.chinacloudapi.cn/contoso.partner.onmschina.cn/adminconsent?client_id=0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f"},
	} {
		if got := app.AdminConsentURL(tc.authority, tc.tenant); got != tc.want {
			t.Errorf("AdminConsentURL(%q, %q) = %q, want %q", tc.authority, tc.tenant, got, tc.want)
		}
	}
}

// FuzzPartnerAppValidate feeds arbitrary client IDs and scopes. Validation
// never panics; every error is a FieldError naming a PartnerApp field; a
// valid application has a GUID client ID and distinct scopes of printable
// ASCII without spaces.
func FuzzPartnerAppValidate(f *testing.F) {
	f.Add("0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f", "User.ReadWrite.All", "Group.Read.All")
	f.Add("", "", "")
	f.Add("0F5E3C1A-7B7E-4D2A-9C1E-4A3B2C1D0E9F", "a b", "A B")
	f.Add(directory.MicrosoftGraphAppID, "User.Read", "user.read")
	f.Add("0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9\xff", "Usér.Read", "\x00")
	f.Fuzz(func(t *testing.T, clientID, s1, s2 string) {
		app := PartnerApp{ClientID: clientID, Scopes: []string{s1, s2}}
		err := app.Validate()
		if err != nil {
			for _, e := range unjoin(err) {
				var fe *FieldError
				if !errors.As(e, &fe) || !strings.HasPrefix(fe.Field, "PartnerApp.") || !errors.Is(e, directory.ErrInvalid) {
					t.Fatalf("Validate() error %v is not a PartnerApp FieldError", e)
				}
			}
			return
		}
		if !directory.IsObjectID(clientID) || strings.EqualFold(s1, s2) {
			t.Fatalf("Validate() accepted client %q scopes %q %q", clientID, s1, s2)
		}
		for _, s := range app.Scopes {
			if s == "" || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r < 0x21 || r > 0x7e }) {
				t.Fatalf("Validate() accepted scope %q", s)
			}
			if got := directory.SplitScopes(directory.JoinScopes(app.Scopes)); len(got) != len(app.Scopes) {
				t.Fatalf("scopes %q do not survive a grant's scope string: %q", app.Scopes, got)
			}
		}
	})
}

// primitivesOnly hides every optional interface of the fake.
type primitivesOnly struct{ directory.Directory }

func TestGrantConsentNeedsConsentGranter(t *testing.T) {
	f := directorytest.New(nil)
	spec := Spec{UserPrincipalName: "svc@contoso.onmicrosoft.com", DisplayName: "svc", UsageLocation: "AU", Roles: []string{"Teams Administrator"},
		PartnerApp: &PartnerApp{ClientID: "0f5e3c1a-7b7e-4d2a-9c1e-4a3b2c1d0e9f", Scopes: []string{"User.Read"}}, GrantConsent: true}
	_, err := New(primitivesOnly{f}, nil).Provision(context.Background(), spec)
	if !errors.Is(err, directory.ErrInvalid) || f.Writes() != 0 {
		t.Fatalf("Provision = %v with %d write(s): want ErrInvalid before any write", err, f.Writes())
	}
}
