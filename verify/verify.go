package verify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/serviceaccount"
)

// Check IDs. They are stable: programs may match on them.
const (
	CheckExists               = "account.exists"
	CheckIdentity             = "account.identity"
	CheckEnabled              = "account.enabled"
	CheckMember               = "account.member"
	CheckCloudOnly            = "account.cloud-only"
	CheckUsageLocation        = "account.usage-location"
	CheckPasswordChanged      = "password.changed"
	CheckMFARegistered        = "mfa.registered"
	CheckRolesAssigned        = "roles.assigned"
	CheckLeastPrivilege       = "roles.least-privilege"
	CheckNoUnexpectedPrivAdm  = "roles.no-unexpected-privileged"
	CheckPrivilegedExpected   = "roles.privileged-expected"
	CheckCredentialRegistered = "credential.registered"
)

// Options configures a [Verifier]. A nil *Options uses the defaults.
type Options struct {
	// Logger receives one debug line per verification. Default: discard.
	Logger *slog.Logger
	// Now stamps reports. Default: time.Now.
	Now func() time.Time
	// PasswordChangeTolerance is how much later than creation the last
	// password change must be to count as the first sign-in's change (the
	// two timestamps of a new account differ by a second or so).
	// Default: 5 seconds.
	PasswordChangeTolerance time.Duration
	// AuthorityHost is the Microsoft Entra authority of the tenant's
	// cloud, for the admin-consent URL in the consent checks'
	// remediation. Default: serviceaccount.DefaultAuthorityHost (global).
	AuthorityHost string
}

// Verifier checks service accounts in one directory. It is safe for
// concurrent use.
type Verifier struct {
	dir  directory.Directory
	opts Options
}

// New returns a Verifier reading dir. opts may be nil.
func New(dir directory.Directory, opts *Options) *Verifier {
	v := &Verifier{dir: dir}
	if opts != nil {
		v.opts = *opts
	}
	if v.opts.Logger == nil {
		v.opts.Logger = slog.New(slog.DiscardHandler)
	}
	if v.opts.Now == nil {
		v.opts.Now = time.Now
	}
	if v.opts.PasswordChangeTolerance <= 0 {
		v.opts.PasswordChangeTolerance = 5 * time.Second
	}
	return v
}

// Verify checks the account against the rules of the customer-consent
// procedure and returns a report with every finding. Drift (a disabled
// account, a missing or extra role) is reported in the Report, not as an
// error; the error means only that nothing could be checked (invalid
// account, the user could not be read, the context is done). A fact the
// credential may not read makes its checks StatusUnknown, never pass.
//
// With acct.ID set it reads everything in one call to the directory (one
// Microsoft Graph round trip).
func (v *Verifier) Verify(ctx context.Context, acct serviceaccount.Account) (Report, error) {
	if err := acct.Validate(); err != nil {
		return Report{}, err
	}
	expected, _ := acct.ExpectedRoles() // Validate checked it
	snap, err := directory.ReadSnapshot(ctx, v.dir, directory.SnapshotRequest{
		User: acct.Key(), RoleAssignments: true, AuthenticationMethods: true, RolePaths: true, SignInActivity: true,
		MemberOf: true, SignInPolicies: true,
		Consent: consentRequest(acct),
	})
	if err != nil {
		return Report{}, &Error{Account: acct.String(), Err: err}
	}
	rep := Report{Mode: ModeAdmin, Account: acct, CheckedAt: v.opts.Now().UTC()}
	switch {
	case errors.Is(snap.UserErr, directory.ErrNotFound):
		rep.Checks = append(rep.Checks, fail(CheckExists, fmt.Sprintf("no user %q in the tenant", acct.Key()),
			"Create the service account (serviceaccount.Provisioner.Provision, or Users > New user in the Microsoft Entra admin center), then verify again. An account created in the last minutes may not be visible to reads yet (directory replication): verify again shortly before concluding it is missing."))
		for _, id := range userCheckIDs(acct) {
			rep.Checks = append(rep.Checks, unknown(id, "the account does not exist",
				"Create the account first (see account.exists), then verify again."))
		}
		if c, ok := privilegedExpectedCheck(expected); ok {
			rep.Checks = append(rep.Checks, c)
		}
		rep.Checks = append(rep.Checks, consentChecks(v.consentFacts(acct, "", snap.Consent))...)
		return rep, nil
	case snap.UserErr != nil:
		return Report{}, &Error{Account: acct.String(), Err: snap.UserErr}
	}
	u := snap.User
	if acct.ID != "" && acct.UserPrincipalName != "" && !strings.EqualFold(u.UserPrincipalName, acct.UserPrincipalName) {
		return Report{}, &Error{Account: acct.String(), Err: fmt.Errorf("object %s has userPrincipalName %q, not %q: %w", u.ID, u.UserPrincipalName, acct.UserPrincipalName, directory.ErrInvalid)}
	}
	if rep.Account.ID == "" {
		rep.Account.ID = u.ID
	}
	if rep.Account.UserPrincipalName == "" {
		rep.Account.UserPrincipalName = u.UserPrincipalName
	}
	rep.Checks = append(rep.Checks, pass(CheckExists,
		fmt.Sprintf("user %s (%s), created %s", u.UserPrincipalName, u.ID, u.CreatedDateTime.UTC().Format(time.RFC3339))))
	rep.Checks = append(rep.Checks, withSignInEvidence(v.userChecks(acct, u), snap)...)
	rep.Checks = append(rep.Checks, mfaCheck(snap))
	if acct.Passwordless {
		rep.Checks = append(rep.Checks, v.credentialCheck(snap))
	}
	rep.Checks = append(rep.Checks, mfaPolicyChecks(snap, rep.CheckedAt)...)
	rep.Checks = append(rep.Checks, roleChecks(expected, snap, rep.CheckedAt)...)
	rep.Checks = append(rep.Checks, consentChecks(v.consentFacts(rep.Account, u.ID, snap.Consent))...)
	v.opts.Logger.LogAttrs(ctx, slog.LevelDebug, "verify: done", slog.String("upn", u.UserPrincipalName), slog.Bool("passed", rep.Passed()), slog.Int("failed", len(rep.Failed())))
	return rep, nil
}

var titles = map[string]string{
	CheckExists:               "Account exists",
	CheckIdentity:             "Signed in as the expected account",
	CheckEnabled:              "Account is enabled",
	CheckMember:               "Account is a member, not a guest",
	CheckCloudOnly:            "Account is cloud-only",
	CheckUsageLocation:        "Usage location is set",
	CheckPasswordChanged:      "Temporary password was changed at first sign-in",
	CheckMFARegistered:        "MFA method registered",
	CheckMFAEnforced:          "MFA is required at sign-in",
	CheckMFAPhishingResistant: "Phishing-resistant MFA for highly privileged roles",
	CheckRolesAssigned:        "Every expected role is assigned at tenant scope",
	CheckLeastPrivilege:       "No role beyond the expected ones",
	CheckNoUnexpectedPrivAdm:  "No unexpected privileged role",
	CheckPrivilegedExpected:   "Privileged roles were asked for",
	CheckCredentialRegistered: "Strong method registered and no usable Temporary Access Pass left",

	CheckConsentAppPresent:    "The partner application is present and enabled in the tenant",
	CheckConsentScopes:        "The partner application is consented for every needed scope, for this account",
	CheckConsentNoExtraScopes: "No consented scope beyond the needed ones",
}

// severities are the rules' severities: a rule's severity does not depend
// on its outcome.
var severities = map[string]Severity{
	CheckExists:               SeverityCritical,
	CheckIdentity:             SeverityCritical,
	CheckEnabled:              SeverityHigh,
	CheckMember:               SeverityHigh,
	CheckCloudOnly:            SeverityHigh,
	CheckUsageLocation:        SeverityInfo,
	CheckPasswordChanged:      SeverityHigh,
	CheckMFARegistered:        SeverityHigh,
	CheckMFAEnforced:          SeverityHigh,
	CheckMFAPhishingResistant: SeverityHigh,
	CheckRolesAssigned:        SeverityHigh,
	CheckLeastPrivilege:       SeverityHigh,
	CheckNoUnexpectedPrivAdm:  SeverityCritical,
	CheckPrivilegedExpected:   SeverityHigh,
	CheckCredentialRegistered: SeverityHigh,

	CheckConsentAppPresent:    SeverityHigh,
	CheckConsentScopes:        SeverityHigh,
	CheckConsentNoExtraScopes: SeverityInfo,
}
