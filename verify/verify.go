package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
)

// Status is the outcome of a [Check].
type Status string

// Statuses. Only StatusPass and StatusWarn count as passed.
const (
	StatusPass    Status = "pass"
	StatusWarn    Status = "warn"
	StatusFail    Status = "fail"
	StatusUnknown Status = "unknown"
)

// Severity says how much a failed check matters.
type Severity string

// Severities.
const (
	SeverityInfo     Severity = "info"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Check IDs. They are stable: programs may match on them.
const (
	CheckExists              = "account.exists"
	CheckEnabled             = "account.enabled"
	CheckMember              = "account.member"
	CheckCloudOnly           = "account.cloud-only"
	CheckUsageLocation       = "account.usage-location"
	CheckPasswordChanged     = "password.changed"
	CheckMFARegistered       = "mfa.registered"
	CheckRolesAssigned       = "roles.assigned"
	CheckLeastPrivilege      = "roles.least-privilege"
	CheckNoUnexpectedPrivAdm = "roles.no-unexpected-privileged"
	CheckPrivilegedExpected  = "roles.privileged-expected"
)

// Check is the outcome of one rule.
type Check struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Status   Status   `json:"status"`
	Severity Severity `json:"severity"`
	// Evidence is what was observed.
	Evidence string `json:"evidence"`
	// Remediation says what a person can do about a check that did not
	// pass, or about a warning; empty when the status is StatusPass.
	Remediation string `json:"remediation,omitempty"`
}

// Passed reports whether the check passed (a warning passes).
func (c Check) Passed() bool { return c.Status == StatusPass || c.Status == StatusWarn }

// Report is the outcome of [Verifier.Verify]: one Check per rule, in a fixed
// order.
//
// Its JSON form has the fields account, checkedAt, passed (the verdict of
// [Report.Passed]), summary (how many checks have each status: pass, warn,
// fail, unknown) and checks. passed and summary are derived from checks;
// a Report has no field for them, so one read back from JSON derives them
// again and never takes them from the document.
type Report struct {
	Account   serviceaccount.Account `json:"account"`
	CheckedAt time.Time              `json:"checkedAt"`
	Checks    []Check                `json:"checks"`
}

// Summary counts a report's checks by status.
type Summary struct {
	Pass    int `json:"pass"`
	Warn    int `json:"warn"`
	Fail    int `json:"fail"`
	Unknown int `json:"unknown"`
}

// Summary counts the checks by status.
func (r Report) Summary() Summary {
	var s Summary
	for _, c := range r.Checks {
		switch c.Status {
		case StatusPass:
			s.Pass++
		case StatusWarn:
			s.Warn++
		case StatusFail:
			s.Fail++
		default:
			s.Unknown++
		}
	}
	return s
}

type reportJSON struct {
	Account   serviceaccount.Account `json:"account"`
	CheckedAt time.Time              `json:"checkedAt"`
	Passed    bool                   `json:"passed"`
	Summary   Summary                `json:"summary"`
	Checks    []Check                `json:"checks"`
}

// MarshalJSON adds the verdict and the summary to the report's fields.
func (r Report) MarshalJSON() ([]byte, error) {
	return json.Marshal(reportJSON{Account: r.Account, CheckedAt: r.CheckedAt, Passed: r.Passed(), Summary: r.Summary(), Checks: r.Checks})
}

// Passed reports whether every check passed. A check whose facts could not
// be read (StatusUnknown) does not pass.
func (r Report) Passed() bool {
	for _, c := range r.Checks {
		if !c.Passed() {
			return false
		}
	}
	return len(r.Checks) > 0
}

// Failed returns the checks that did not pass (failed or unknown).
func (r Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if !c.Passed() {
			out = append(out, c)
		}
	}
	return out
}

// Check returns the check with the given ID.
func (r Report) Check(id string) (Check, bool) {
	i := slices.IndexFunc(r.Checks, func(c Check) bool { return c.ID == id })
	if i < 0 {
		return Check{}, false
	}
	return r.Checks[i], true
}

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

// Error is returned when Verify could not read the account at all (the
// directory failed or the context ended). An invalid Account is reported
// before any read, with a *serviceaccount.FieldError.
type Error struct {
	Account string
	Err     error
}

func (e *Error) Error() string { return fmt.Sprintf("verify: %q: %v", e.Account, e.Err) }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

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
		User: acct.Key(), RoleAssignments: true, AuthenticationMethods: true,
	})
	if err != nil {
		return Report{}, &Error{Account: acct.String(), Err: err}
	}
	rep := Report{Account: acct, CheckedAt: v.opts.Now().UTC()}
	switch {
	case errors.Is(snap.UserErr, directory.ErrNotFound):
		rep.Checks = append(rep.Checks, fail(CheckExists, fmt.Sprintf("no user %q in the tenant", acct.Key()),
			"Create the service account (serviceaccount.Provisioner.Provision, or Users > New user in the Microsoft Entra admin center), then verify again. An account created in the last minutes may not be visible to reads yet (directory replication): verify again shortly before concluding it is missing."))
		for _, id := range []string{CheckEnabled, CheckMember, CheckCloudOnly, CheckUsageLocation, CheckPasswordChanged, CheckMFARegistered, CheckRolesAssigned, CheckLeastPrivilege, CheckNoUnexpectedPrivAdm} {
			rep.Checks = append(rep.Checks, unknown(id, "the account does not exist",
				"Create the account first (see account.exists), then verify again."))
		}
		if c, ok := privilegedExpectedCheck(expected); ok {
			rep.Checks = append(rep.Checks, c)
		}
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
	rep.Checks = append(rep.Checks, v.userChecks(acct, u)...)
	rep.Checks = append(rep.Checks, mfaCheck(snap))
	rep.Checks = append(rep.Checks, roleChecks(expected, snap)...)
	v.opts.Logger.LogAttrs(ctx, slog.LevelDebug, "verify: done", slog.String("upn", u.UserPrincipalName), slog.Bool("passed", rep.Passed()), slog.Int("failed", len(rep.Failed())))
	return rep, nil
}

var titles = map[string]string{
	CheckExists:              "Account exists",
	CheckEnabled:             "Account is enabled",
	CheckMember:              "Account is a member, not a guest",
	CheckCloudOnly:           "Account is cloud-only",
	CheckUsageLocation:       "Usage location is set",
	CheckPasswordChanged:     "Temporary password was changed at first sign-in",
	CheckMFARegistered:       "MFA method registered",
	CheckRolesAssigned:       "Every expected role is assigned at tenant scope",
	CheckLeastPrivilege:      "No role beyond the expected ones",
	CheckNoUnexpectedPrivAdm: "No unexpected privileged role",
	CheckPrivilegedExpected:  "Privileged roles were asked for",
}

// severities are the rules' severities: a rule's severity does not depend
// on its outcome.
var severities = map[string]Severity{
	CheckExists:              SeverityCritical,
	CheckEnabled:             SeverityHigh,
	CheckMember:              SeverityHigh,
	CheckCloudOnly:           SeverityHigh,
	CheckUsageLocation:       SeverityInfo,
	CheckPasswordChanged:     SeverityHigh,
	CheckMFARegistered:       SeverityHigh,
	CheckRolesAssigned:       SeverityHigh,
	CheckLeastPrivilege:      SeverityHigh,
	CheckNoUnexpectedPrivAdm: SeverityCritical,
	CheckPrivilegedExpected:  SeverityHigh,
}

func check(id string, st Status, evidence, remediation string) Check {
	return Check{ID: id, Title: titles[id], Status: st, Severity: severities[id], Evidence: evidence, Remediation: remediation}
}

func pass(id, evidence string) Check { return check(id, StatusPass, evidence, "") }

func fail(id, evidence, remediation string) Check {
	return check(id, StatusFail, evidence, remediation)
}

func unknown(id, evidence, remediation string) Check {
	return check(id, StatusUnknown, evidence, remediation)
}

func (v *Verifier) userChecks(acct serviceaccount.Account, u directory.User) []Check {
	var cs []Check
	if u.AccountEnabled {
		cs = append(cs, pass(CheckEnabled, "accountEnabled is true"))
	} else {
		cs = append(cs, fail(CheckEnabled, "accountEnabled is false: the account cannot sign in",
			"In the Microsoft Entra admin center, open Users > the account > Edit properties > Settings, and tick Account enabled."))
	}
	if u.UserType == directory.UserTypeMember {
		cs = append(cs, pass(CheckMember, "userType is Member"))
	} else {
		cs = append(cs, fail(CheckMember, fmt.Sprintf("userType is %q", u.UserType),
			"Use a member account created in the customer's own tenant, not an invited guest: delete it and provision a new one."))
	}
	if !u.OnPremisesSyncEnabled {
		cs = append(cs, pass(CheckCloudOnly, "onPremisesSyncEnabled is not set"))
	} else {
		cs = append(cs, fail(CheckCloudOnly, "onPremisesSyncEnabled is true: the account is synchronised from on-premises Active Directory",
			"Use a cloud-only account (created in Microsoft Entra ID, outside the sync scope of Microsoft Entra Connect), so on-premises changes cannot alter it."))
	}
	want := strings.ToUpper(acct.UsageLocation)
	switch {
	case u.UsageLocation == "":
		cs = append(cs, fail(CheckUsageLocation, "usageLocation is not set",
			"Set the usage location: Users > the account > Edit properties > Settings > Usage location."))
	case want != "" && !strings.EqualFold(u.UsageLocation, want):
		cs = append(cs, fail(CheckUsageLocation, fmt.Sprintf("usageLocation is %q, expected %q", u.UsageLocation, want),
			fmt.Sprintf("Change the usage location to %s: Users > the account > Edit properties > Settings.", want)))
	default:
		cs = append(cs, pass(CheckUsageLocation, fmt.Sprintf("usageLocation is %q", u.UsageLocation)))
	}
	created, changed := u.CreatedDateTime, u.LastPasswordChangeDateTime
	switch {
	case changed.IsZero() || created.IsZero():
		cs = append(cs, unknown(CheckPasswordChanged, "createdDateTime or lastPasswordChangeDateTime was not returned",
			"Grant User.Read.All (or Directory.Read.All) so the timestamps can be read."))
	case changed.Sub(created) > v.opts.PasswordChangeTolerance:
		cs = append(cs, pass(CheckPasswordChanged, fmt.Sprintf("password last changed %s, created %s",
			changed.UTC().Format(time.RFC3339), created.UTC().Format(time.RFC3339))))
	default:
		cs = append(cs, fail(CheckPasswordChanged, fmt.Sprintf("password last changed %s, at creation (%s): the account has not signed in yet",
			changed.UTC().Format(time.RFC3339), created.UTC().Format(time.RFC3339)),
			"Sign in once as the service account (https://entra.microsoft.com) and change the temporary password when prompted."))
	}
	return cs
}

// mfaKind says whether a method type is a second factor: yes for the
// types Microsoft documents as MFA-capable, no for password, temporary
// access pass and email (usable only for self-service password reset),
// and unknown for a type this SDK does not know (a new Graph method type
// is neither trusted nor held against the account).
func mfaKind(t directory.MethodType) (strong, known bool) {
	switch t {
	case directory.MethodMicrosoftAuthenticator, directory.MethodPhone, directory.MethodFido2,
		directory.MethodSoftwareOath, directory.MethodHardwareOath, directory.MethodWindowsHelloForBusiness,
		directory.MethodPlatformCredential, directory.MethodExternal:
		return true, true
	case directory.MethodPassword, directory.MethodTemporaryAccessPass, directory.MethodEmail:
		return false, true
	}
	return false, false
}

func mfaCheck(snap directory.Snapshot) Check {
	if err := snap.AuthenticationMethodsErr; err != nil {
		return unknown(CheckMFARegistered, fmt.Sprintf("authentication methods could not be read: %v", err),
			permissionHint(err, "UserAuthenticationMethod.Read.All (application) or UserAuthenticationMethod.Read.All with the Authentication Administrator or Privileged Authentication Administrator role (delegated)"))
	}
	var strong, unrecognised, all []string
	for _, m := range snap.AuthenticationMethods {
		all = append(all, string(m.Type))
		switch ok, known := mfaKind(m.Type); {
		case ok:
			strong = append(strong, string(m.Type))
		case !known:
			unrecognised = append(unrecognised, string(m.Type))
		}
	}
	const remediation = "Sign in as the service account and register Microsoft Authenticator, a FIDO2 security key or another MFA method (https://aka.ms/mysecurityinfo)."
	switch {
	case len(strong) > 0:
		return pass(CheckMFARegistered, "registered: "+strings.Join(all, ", "))
	case len(unrecognised) > 0:
		return unknown(CheckMFARegistered, "registered: "+strings.Join(all, ", ")+" ("+strings.Join(unrecognised, ", ")+": a method type this SDK does not know, which may or may not be a second factor)",
			"Check the method in the Microsoft Entra admin center (Users > the account > Authentication methods), or register a known MFA method: "+remediation)
	case len(all) == 0:
		return fail(CheckMFARegistered, "no authentication method registered", remediation)
	}
	return fail(CheckMFARegistered, "registered: "+strings.Join(all, ", ")+" (none is a second factor)", remediation)
}

func permissionHint(err error, permission string) string {
	if errors.Is(err, directory.ErrPermission) {
		return "The credential lacks permission to read this. Grant " + permission + " and verify again."
	}
	return "Verify again; if it persists, check the service health and the credential's permissions (" + permission + ")."
}

func roleChecks(expected []roles.Role, snap directory.Snapshot) []Check {
	var cs []Check
	if err := snap.RoleAssignmentsErr; err != nil {
		hint := permissionHint(err, "RoleManagement.Read.Directory")
		ev := fmt.Sprintf("role assignments could not be read: %v", err)
		cs = append(cs,
			unknown(CheckRolesAssigned, ev, hint),
			unknown(CheckLeastPrivilege, ev, hint),
			unknown(CheckNoUnexpectedPrivAdm, ev, hint))
	} else {
		cs = append(cs, assignedChecks(expected, snap.RoleAssignments)...)
	}
	if c, ok := privilegedExpectedCheck(expected); ok {
		cs = append(cs, c)
	}
	return cs
}

// privilegedExpectedCheck returns the warning for expected privileged roles,
// if any. It rests on the Account alone, not on what the directory holds.
func privilegedExpectedCheck(expected []roles.Role) (Check, bool) {
	var names []string
	for _, r := range expected {
		if r.Privileged {
			names = append(names, r.Name)
		}
	}
	if len(names) == 0 {
		return Check{}, false
	}
	return check(CheckPrivilegedExpected, StatusWarn, "expected privileged role(s): "+strings.Join(names, ", "),
		"Privileged roles were explicitly allowed. Prefer a less privileged role where the workload allows it, and review this account regularly."), true
}

func roleName(id string) (roles.Role, string) {
	if r, ok := roles.Lookup(id); ok {
		return r, r.Name
	}
	return roles.Role{ID: id}, "custom role " + id
}

func assignedChecks(expected []roles.Role, as []directory.RoleAssignment) []Check {
	atTenant := map[string]bool{}
	for _, a := range as {
		if a.DirectoryScopeID == directory.TenantScope {
			atTenant[strings.ToLower(a.RoleDefinitionID)] = true
		}
	}
	want := map[string]bool{}
	var missing, held []string
	for _, r := range expected {
		want[r.ID] = true
		if atTenant[r.ID] {
			held = append(held, r.Name)
		} else {
			missing = append(missing, r.Name)
		}
	}
	var cs []Check
	switch {
	case len(expected) == 0:
		cs = append(cs, pass(CheckRolesAssigned, "no role is expected"))
	case len(missing) == 0:
		cs = append(cs, pass(CheckRolesAssigned, "assigned at /: "+strings.Join(held, ", ")))
	default:
		cs = append(cs, fail(CheckRolesAssigned, "missing at tenant scope /: "+strings.Join(missing, ", "),
			"Assign the missing role(s) at directory scope: Users > the account > Assigned roles > Add assignments (or re-run Provision)."))
	}
	var extra, extraPriv []string
	for _, a := range as {
		id := strings.ToLower(a.RoleDefinitionID)
		if want[id] && a.DirectoryScopeID == directory.TenantScope {
			continue
		}
		r, name := roleName(id)
		desc := fmt.Sprintf("%s at %s", name, a.DirectoryScopeID)
		extra = append(extra, desc)
		if r.Privileged || r.Name == "" {
			// A custom role cannot be judged: treat it as privileged.
			extraPriv = append(extraPriv, desc)
		}
	}
	if len(extra) == 0 {
		cs = append(cs, pass(CheckLeastPrivilege, fmt.Sprintf("%d role assignment(s), all expected", len(as))))
	} else {
		cs = append(cs, fail(CheckLeastPrivilege, "unexpected: "+strings.Join(extra, "; "),
			"Remove the unexpected role assignment(s): Users > the account > Assigned roles > Remove. A service account should hold only the roles its workloads need."))
	}
	if len(extraPriv) == 0 {
		cs = append(cs, pass(CheckNoUnexpectedPrivAdm, "no privileged role beyond the expected ones"))
	} else {
		cs = append(cs, fail(CheckNoUnexpectedPrivAdm, "UNEXPECTED PRIVILEGED ROLE(S): "+strings.Join(extraPriv, "; "),
			"Remove these assignments now and find out who added them: a privileged role on a service account is a path to taking over the tenant. Check the audit log (Monitoring > Audit logs, category RoleManagement)."))
	}
	return cs
}
