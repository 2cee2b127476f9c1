package serviceaccount

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/cloudhub/consent/directory"
)

// PartnerApp is the partner's application that works in the customer's
// tenant through delegated Microsoft Graph permissions, signed in as the
// service account. The tenant must consent to it, for the scopes it uses,
// before the account is of any use to the partner.
type PartnerApp struct {
	// ClientID is the application (client) ID of the partner's
	// application, a GUID. Required.
	ClientID string `json:"clientId"`
	// Scopes are the delegated Microsoft Graph permissions the
	// application needs, such as "User.ReadWrite.All". At least one; no
	// spaces, no duplicates (compared case-insensitively, as Microsoft
	// Entra compares them).
	Scopes []string `json:"scopes"`
}

// maxScope bounds a scope name (Microsoft Graph's longest are under 64
// characters).
const maxScope = 120

// Validate checks the application's fields without calling the directory.
// Every problem is a [*FieldError] naming the field ("PartnerApp.ClientID",
// "PartnerApp.Scopes[1]") and the value.
func (p PartnerApp) Validate() error {
	var errs []error
	switch {
	case p.ClientID == "":
		errs = append(errs, fieldErr("PartnerApp.ClientID", p.ClientID, "is required (the partner application's application (client) ID)"))
	case !directory.IsObjectID(p.ClientID):
		errs = append(errs, fieldErr("PartnerApp.ClientID", p.ClientID, "is not an application (client) ID (a GUID)"))
	case strings.EqualFold(p.ClientID, directory.MicrosoftGraphAppID):
		errs = append(errs, fieldErr("PartnerApp.ClientID", p.ClientID, "is Microsoft Graph's own application ID, not a partner application's"))
	}
	if len(p.Scopes) == 0 {
		errs = append(errs, fieldErr("PartnerApp.Scopes", "", "needs at least one delegated Microsoft Graph scope, such as User.Read.All"))
	}
	for i, s := range p.Scopes {
		field := "PartnerApp.Scopes[" + strconv.Itoa(i) + "]"
		switch {
		case s == "":
			errs = append(errs, fieldErr(field, s, "is empty"))
		case strings.ContainsFunc(s, unicode.IsSpace):
			errs = append(errs, fieldErr(field, s, "contains a space: give each scope as its own entry"))
		case strings.ContainsFunc(s, func(r rune) bool { return r < 0x21 || r > 0x7e }):
			errs = append(errs, fieldErr(field, s, "may contain only printable ASCII characters"))
		case len(s) > maxScope:
			errs = append(errs, fieldErr(field, s, "is longer than %d characters", maxScope))
		default:
			for j := range i {
				if strings.EqualFold(p.Scopes[j], s) {
					errs = append(errs, fieldErr(field, s, "duplicates PartnerApp.Scopes[%d] %q", j, p.Scopes[j]))
					break
				}
			}
		}
	}
	return errors.Join(errs...)
}

// DefaultAuthorityHost is the Microsoft Entra authority of the global
// cloud. The national clouds have their own (graphdir.Cloud's AzureCloud
// names it: https://login.microsoftonline.us/ for the US Government clouds,
// https://login.chinacloudapi.cn/ for China).
const DefaultAuthorityHost = "https://login.microsoftonline.com/"

// AdminConsentURL returns the URL at which an administrator of tenant (its
// ID or any verified domain name) grants the application tenant-wide
// admin consent, in the form Microsoft documents in "Grant tenant-wide
// admin consent to an application" (Microsoft Entra ID documentation):
//
//	https://login.microsoftonline.com/{organization}/adminconsent?client_id={client-id}
//
// authorityHost is the cloud's Microsoft Entra authority; empty means
// [DefaultAuthorityHost].
//
// Consent given there is for EVERY user of the tenant (consentType
// AllPrincipals), and for every permission the application's registration
// requests, not only p.Scopes: more than the least privilege of the
// customer-consent procedure. Prefer [Spec.GrantConsent], which grants
// p.Scopes to the service account alone.
func (p PartnerApp) AdminConsentURL(authorityHost, tenant string) string {
	if authorityHost == "" {
		authorityHost = DefaultAuthorityHost
	}
	return strings.TrimRight(authorityHost, "/") + "/" + url.PathEscape(tenant) + "/adminconsent?client_id=" + url.QueryEscape(p.ClientID)
}

// clone returns a copy of p that shares no slice with it, or nil.
func (p *PartnerApp) clone() *PartnerApp {
	if p == nil {
		return nil
	}
	c := *p
	c.Scopes = append([]string(nil), p.Scopes...)
	return &c
}

// validateConsent checks PartnerApp and GrantConsent.
func (s Spec) validateConsent() []error {
	if s.PartnerApp == nil {
		if s.GrantConsent {
			return []error{fieldErr("GrantConsent", "true", "needs PartnerApp: the application whose consent to grant")}
		}
		return nil
	}
	if err := s.PartnerApp.Validate(); err != nil {
		return []error{err}
	}
	return nil
}
