package verify

import (
	"context"
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

// Mode says how a [Report] was made.
type Mode string

// Modes.
const (
	// ModeAdmin: [Verifier.Verify], with a customer-side credential that
	// may read any user's properties, methods and role assignments.
	ModeAdmin Mode = "admin"
	// ModeSelf: [Verifier.VerifySelf], signed in as the service account
	// itself, reading only what it may read about itself.
	ModeSelf Mode = "self"
)

// NotVisible is something a report could not see by design, not because
// a read failed.
type NotVisible struct {
	// What could not be seen, for example "eligible (PIM) role assignments".
	What string `json:"what"`
	// Why not.
	Why string `json:"why"`
	// CouldSee names the credential that could see it.
	CouldSee string `json:"couldSee"`
}

// The credential that sees everything a self report cannot.
const adminVerify = "the customer running Verify (admin side) with Global Reader, or with an app granted RoleManagement.Read.Directory and RoleEligibilitySchedule.Read.Directory"

// VerifySelf checks the account the directory is signed in as: the
// partner signs in as the service account (a delegated credential, device
// code or browser) and gets the verdict "ready for the partner" without any
// credential of the customer's. want carries the expected workloads, access,
// roles and usage location as for [Verifier.Verify]; its ID and
// UserPrincipalName are optional, and when set, a signed-in account that
// does not match them fails the critical check account.identity (the
// partner signed in as the wrong account).
//
// The directory must implement [directory.SelfReader] (the Graph backend
// does; the fake through directorytest.Fake.SignedInAs). A directory signed
// in as an application gives an error satisfying
// errors.Is(err, directory.ErrInvalid). As with Verify, drift is reported
// in the report and the error means only that nothing could be checked.
//
// The report's Mode is ModeSelf. Its rule for [Report.Passed] ("ready for
// the partner"): every check passes or warns, that is account.identity (the
// signed-in account is the expected one, when one is given), the account
// is enabled, a member and cloud-only, its usage location is set (and the
// expected one), its password was changed (a delegated token is evidence
// in itself: Entra issues none before the forced change of a temporary
// password; lastPasswordChangeDateTime later than createdDateTime is the
// second evidence, and decides when present), an MFA method is registered,
// every expected role is held at tenant scope, and no visible role goes
// beyond them (roles.least-privilege, roles.no-unexpected-privileged). What
// the account cannot see about itself by design is listed in
// Report.NotVisible and does not count: eligible (PIM) assignments always;
// custom roles and, without Directory.Read.All, administrative-unit-scoped
// roles when the role-assignment list was denied and the roles were read
// from the account's memberships; the custom and eligible roles of its
// role-assignable groups. The memberships are read either way: they show
// the built-in roles held through role-assignable groups, which the list
// filtered by the account's ID does not (see the package documentation
// for how the evidence names the group). The tenant's sign-in policies
// need Policy.Read.All and a reader role the service account should not
// hold: when they are denied by design (a permission error, or a backend
// that cannot read them), mfa.enforced is not run and the policies are
// listed in Report.NotVisible, naming the credential that can read them,
// and mfa.phishing-resistant judges the half the account can see: not
// applicable (pass) for an account holding no highly privileged role; a
// failure for one holding such a role without a phishing-resistant method
// registered (no policy can make up for it); a warning for one with a
// method, since whether a policy requires it is not visible. An account
// that may read the policies gets both checks as in Verify. A read that
// should have worked and failed makes its checks unknown, which never
// passes, the sign-in policies' included (a transient failure makes
// mfa.enforced, and mfa.phishing-resistant for a highly privileged
// account, unknown).
func (v *Verifier) VerifySelf(ctx context.Context, want serviceaccount.Account) (Report, error) {
	check := want
	if check.ID == "" && check.UserPrincipalName == "" {
		// Validate the rest; the key is optional here.
		check.UserPrincipalName = "signed-in@account.invalid"
	}
	if err := check.Validate(); err != nil {
		return Report{}, err
	}
	expected, _ := want.ExpectedRoles() // Validate checked it
	self, err := directory.ReadSelf(ctx, v.dir)
	if err != nil {
		name := want.String()
		if name == "" {
			name = "the signed-in account"
		}
		return Report{}, &Error{Account: name, Err: err}
	}
	u := self.User
	rep := Report{Mode: ModeSelf, Account: want, CheckedAt: v.opts.Now().UTC(), TenantID: self.TenantID, TenantIDSource: self.TenantIDSource}
	rep.Account.ID, rep.Account.UserPrincipalName = u.ID, u.UserPrincipalName
	rep.Checks = append(rep.Checks, identityCheck(want, u),
		pass(CheckExists, fmt.Sprintf("signed in as %s (%s), created %s", u.UserPrincipalName, u.ID, u.CreatedDateTime.UTC().Format(time.RFC3339))))
	for _, c := range v.userChecks(want, u) {
		if c.ID == CheckPasswordChanged {
			c = selfPasswordCheck(c)
		}
		rep.Checks = append(rep.Checks, c)
	}
	rep.Checks = append(rep.Checks, selfMFACheck(self))
	if want.Passwordless {
		rep.Checks = append(rep.Checks, v.credentialCheck(directory.Snapshot{AuthenticationMethods: self.AuthenticationMethods, AuthenticationMethodsErr: self.AuthenticationMethodsErr}))
	}
	policyCs, policyNV := selfMFAPolicyChecks(self)
	rep.Checks = append(rep.Checks, policyCs...)
	roleCs, notVisible := selfRoleChecks(expected, self)
	rep.Checks = append(rep.Checks, roleCs...)
	notVisible = append(notVisible, policyNV...)
	if c, ok := privilegedExpectedCheck(expected); ok {
		rep.Checks = append(rep.Checks, c)
	}
	consentCs, consentNV := v.selfConsentChecks(ctx, rep.Account, u.ID)
	rep.Checks = append(rep.Checks, consentCs...)
	notVisible = append(notVisible, consentNV...)
	rep.NotVisible = append(notVisible, NotVisible{
		What:     "eligible (PIM) role assignments",
		Why:      "reading role eligibility needs a reader role even for one's own eligibilities; the account holds the roles it should, not a reader role",
		CouldSee: adminVerify,
	})
	for i, c := range rep.Checks {
		if r, ok := selfRemediations[c.ID]; ok && c.Status == StatusFail {
			rep.Checks[i].Remediation = r
		}
	}
	v.opts.Logger.LogAttrs(ctx, slog.LevelDebug, "verify: self done", slog.String("upn", u.UserPrincipalName), slog.Bool("passed", rep.Passed()), slog.Int("failed", len(rep.Failed())))
	return rep, nil
}

// selfRemediations say what the partner, signed in as the account, can do
// about a failed check, or whom to ask.
var selfRemediations = map[string]string{
	CheckEnabled:             "Ask the customer's administrator to enable the account (Users > the account > Edit properties > Settings > Account enabled).",
	CheckMember:              "Ask the customer to create a member account in their own tenant (not an invited guest) and use that one.",
	CheckCloudOnly:           "Ask the customer to use a cloud-only account created in Microsoft Entra ID, outside the sync scope of Microsoft Entra Connect.",
	CheckUsageLocation:       "Ask the customer's administrator to set the usage location (Users > the account > Edit properties > Settings > Usage location).",
	CheckPasswordChanged:     "Sign in as the account at https://entra.microsoft.com and replace the temporary password, or ask the customer's administrator to reset it with \"require password change at next sign-in\".",
	CheckMFARegistered:       "Signed in as the account, register Microsoft Authenticator, a FIDO2 key or another MFA method at https://aka.ms/mysecurityinfo, then verify again.",
	CheckRolesAssigned:       "Ask the customer's administrator to assign the missing role(s) at directory scope (Users > the account > Assigned roles > Add assignments); the account cannot assign roles to itself.",
	CheckLeastPrivilege:      "Ask the customer's administrator to remove the unexpected role assignment(s) (Users > the account > Assigned roles > Remove): the partner should not hold more than the workloads need.",
	CheckNoUnexpectedPrivAdm: "Ask the customer's administrator to remove these assignments now and to check the audit log (category RoleManagement) for who added them; do not use the account until then.",
	CheckIdentity:            "Sign out and sign in again as the expected service account (a device-code or browser sign-in picks up the account last used in that browser).",
}

func identityCheck(want serviceaccount.Account, u directory.User) Check {
	var wrong []string
	if want.ID != "" && !strings.EqualFold(want.ID, u.ID) {
		wrong = append(wrong, fmt.Sprintf("object ID %s, expected %s", u.ID, want.ID))
	}
	if want.UserPrincipalName != "" && !strings.EqualFold(want.UserPrincipalName, u.UserPrincipalName) {
		wrong = append(wrong, fmt.Sprintf("userPrincipalName %s, expected %s", u.UserPrincipalName, want.UserPrincipalName))
	}
	switch {
	case len(wrong) > 0:
		return fail(CheckIdentity, "signed in as the wrong account: "+strings.Join(wrong, "; "), "")
	case want.ID == "" && want.UserPrincipalName == "":
		return pass(CheckIdentity, fmt.Sprintf("signed in as %s (%s); no expected ID or userPrincipalName was given", u.UserPrincipalName, u.ID))
	}
	return pass(CheckIdentity, fmt.Sprintf("signed in as %s (%s), as expected", u.UserPrincipalName, u.ID))
}

// selfPasswordCheck adds the token's evidence to the password check: a
// delegated token is issued only after a forced change of the temporary
// password, so when the timestamps were not returned the token decides.
func selfPasswordCheck(c Check) Check {
	const token = "signed in with a delegated token (Entra issues none before the forced change of a temporary password)"
	switch c.Status {
	case StatusUnknown:
		return pass(CheckPasswordChanged, token+"; lastPasswordChangeDateTime was not returned")
	case StatusPass:
		c.Evidence += "; " + token
	}
	return c
}

func selfMFACheck(s directory.Self) Check {
	c := mfaCheck(directory.Snapshot{AuthenticationMethods: s.AuthenticationMethods, AuthenticationMethodsErr: s.AuthenticationMethodsErr})
	if s.AuthenticationMethodsErr != nil {
		c.Remediation = "Reading one's own methods needs the delegated permission UserAuthenticationMethod.Read: add it to the public client app and have the customer's administrator grant consent, then verify again (or ask the customer to run Verify with an admin credential)."
		if !errors.Is(s.AuthenticationMethodsErr, directory.ErrPermission) {
			c.Remediation = "Verify again; if it persists, check the service health."
		}
	}
	return c
}

// selfRoleChecks judges the roles from the role-assignment list, or, when
// it was denied, from the account's memberships, saying which source
// answered and what it cannot see.
func selfRoleChecks(expected []roles.Role, s directory.Self) ([]Check, []NotVisible) {
	denied := errors.Is(s.RoleAssignmentsErr, directory.ErrPermission)
	switch {
	case s.RoleAssignmentsErr == nil:
		return listChecks(expected, s)
	case !denied || s.RoleMembershipsErr != nil:
		ev := fmt.Sprintf("role assignments could not be read: %v", s.RoleAssignmentsErr)
		hint := "Verify again; if it persists, check the service health."
		if s.RoleMembershipsErr != nil {
			ev += fmt.Sprintf("; nor the account's memberships: %v", s.RoleMembershipsErr)
			if errors.Is(s.RoleMembershipsErr, directory.ErrPermission) {
				hint = "Reading one's own memberships needs the delegated permission User.Read: add it to the public client app, or ask the customer to run Verify with an admin credential."
			}
		}
		return roleUnknowns(ev, hint), nil
	}
	return membershipChecks(expected, s)
}

// listChecks judges the roles from the role-assignment list, filtered by
// the account's own ID, and adds what its memberships show beyond it: a
// tenant-wide directory role among the memberships that the list does not
// show is held through a role-assignable group. The memberships do not say
// through which: when the account is a member of exactly one
// role-assignable group the evidence names it, else it names them all.
func listChecks(expected []roles.Role, s directory.Self) ([]Check, []NotVisible) {
	const source = "role-assignment list and memberships: "
	groups := assignableGroups(s.Groups)
	var notVisible []NotVisible
	if len(groups) > 0 {
		notVisible = append(notVisible, NotVisible{
			What:     "custom and eligible roles of the account's role-assignable groups " + describeGroups(groups),
			Why:      "memberships show the built-in directory roles the groups hold, not custom or eligible ones; listing a group's assignments needs a reader role",
			CouldSee: adminVerify,
		})
	}
	snap := directory.Snapshot{RoleAssignments: s.RoleAssignments}
	ids, unnamed := rolesBeyondList(s)
	var beyond []directory.RoleAssignment
	for _, id := range ids {
		beyond = append(beyond, directory.RoleAssignment{RoleDefinitionID: id, DirectoryScopeID: directory.TenantScope})
	}
	switch {
	case s.RoleMembershipsErr != nil:
		snap.RolePaths.GroupsErr = s.RoleMembershipsErr
	case unnamed > 0:
		snap.RolePaths.GroupsErr = fmt.Errorf("%d directory role object(s) among the memberships came without roleTemplateId (Graph's limited information for a type the app may not read), so the roles held through groups cannot be told apart", unnamed)
	}
	note := ""
	switch {
	case len(beyond) == 0:
	case len(groups) == 1:
		snap.RolePaths.Groups = []directory.GroupRoles{{Group: groups[0], RoleAssignments: beyond}}
	default:
		snap.RoleAssignments = append(slices.Clone(snap.RoleAssignments), beyond...)
		note = "; the memberships show role(s) the list does not, held through a role-assignable group; memberships cannot say which of " + describeGroups(groups)
		if len(groups) == 0 {
			note = "; the memberships show role(s) the list does not, held otherwise than by the account's own listed assignments (no role-assignable group is visible among its memberships)"
		}
	}
	cs := withSource(pathChecks(expected, snap, time.Time{}), source)
	for i, c := range cs {
		if c.Status == StatusFail && c.ID != CheckRolesAssigned {
			cs[i].Evidence += note
		}
	}
	return cs, notVisible
}

// rolesBeyondList returns the template IDs (lower case) of the tenant-wide
// roles among the account's memberships that its own role-assignment list
// does not show at tenant scope (all of them when the list was not read),
// and how many memberships came without a template ID.
func rolesBeyondList(s directory.Self) (ids []string, unnamed int) {
	listed := map[string]bool{}
	for _, a := range s.RoleAssignments {
		if a.DirectoryScopeID == directory.TenantScope {
			listed[strings.ToLower(a.RoleDefinitionID)] = true
		}
	}
	for _, m := range s.RoleMemberships {
		switch id := strings.ToLower(m.RoleTemplateID); {
		case id == "":
			unnamed++
		case !listed[id]:
			listed[id] = true
			ids = append(ids, id)
		}
	}
	return ids, unnamed
}

// assignableGroups returns the role-assignable groups among gs.
func assignableGroups(gs []directory.Group) []directory.Group {
	var out []directory.Group
	for _, g := range gs {
		if g.IsAssignableToRole {
			out = append(out, g)
		}
	}
	return out
}

// describeGroups names groups: "'Tier0 admins' (id), 'Ops' (id)".
func describeGroups(gs []directory.Group) string {
	names := make([]string, len(gs))
	for i, g := range gs {
		names[i] = fmt.Sprintf("'%s' (%s)", g.DisplayName, g.ID)
	}
	return strings.Join(names, ", ")
}

func withSource(cs []Check, source string) []Check {
	for i := range cs {
		cs[i].Evidence = source + cs[i].Evidence
	}
	return cs
}

// membershipChecks judges the roles from the account's memberships (the
// fallback): directory role objects carry the built-in role's template ID;
// custom roles do not show, and administrative-unit-scoped memberships
// need Directory.Read.All.
func membershipChecks(expected []roles.Role, s directory.Self) ([]Check, []NotVisible) {
	const source = "memberships (the role-assignment list was denied; built-in roles only): "
	notVisible := []NotVisible{{
		What:     "custom role assignments",
		Why:      "the role-assignment list was denied, and memberships show built-in directory roles only",
		CouldSee: adminVerify,
	}}
	templates := map[string]string{} // role object ID -> template ID
	var as []directory.RoleAssignment
	var unnamed []string
	for _, m := range s.RoleMemberships {
		if m.RoleTemplateID == "" {
			unnamed = append(unnamed, fmt.Sprintf("role object %s at %s", m.RoleID, m.DirectoryScopeID))
			continue
		}
		templates[strings.ToLower(m.RoleID)] = m.RoleTemplateID
		as = append(as, directory.RoleAssignment{RoleDefinitionID: strings.ToLower(m.RoleTemplateID), DirectoryScopeID: m.DirectoryScopeID})
	}
	if len(unnamed) > 0 {
		ev := source + "directory role object(s) returned without roleTemplateId (Graph's limited information for a type the app may not read): " + strings.Join(unnamed, "; ")
		hint := "Grant the public client app Directory.Read.All (admin consent) so the role objects are described, or ask the customer to run Verify with an admin credential."
		return roleUnknowns(ev, hint), notVisible
	}
	var unknownScoped []string
	switch {
	case s.ScopedRoleMembershipsErr == nil:
		for _, m := range s.ScopedRoleMemberships {
			id := firstNonEmpty(m.RoleTemplateID, templates[strings.ToLower(m.RoleID)])
			if id == "" {
				unknownScoped = append(unknownScoped, fmt.Sprintf("role object %s at %s", m.RoleID, m.DirectoryScopeID))
				continue
			}
			as = append(as, directory.RoleAssignment{RoleDefinitionID: strings.ToLower(id), DirectoryScopeID: m.DirectoryScopeID})
		}
	case errors.Is(s.ScopedRoleMembershipsErr, directory.ErrPermission):
		notVisible = append(notVisible, NotVisible{
			What:     "administrative-unit-scoped role assignments",
			Why:      "/me/scopedRoleMemberOf needs the delegated permission Directory.Read.All, which the public client app was not granted",
			CouldSee: "the account itself through an app granted Directory.Read.All (admin consent), or " + adminVerify,
		})
	default:
		cs := withSource(assignedChecks(expected, as), source)
		ev := fmt.Sprintf("administrative-unit-scoped memberships could not be read: %v", s.ScopedRoleMembershipsErr)
		hint := "Verify again; if it persists, check the service health."
		return []Check{cs[0], unknown(CheckLeastPrivilege, ev, hint), unknown(CheckNoUnexpectedPrivAdm, ev, hint)}, notVisible
	}
	cs := withSource(assignedChecks(expected, as), source)
	if groups := assignableGroups(s.Groups); len(groups) > 0 {
		// Memberships list a role held through a group and one held
		// directly alike: name the groups, not which holds what.
		notVisible = append(notVisible, NotVisible{
			What:     "which roles are held through the account's role-assignable groups " + describeGroups(groups),
			Why:      "memberships list the roles held directly and through groups alike, and the role-assignment list that would tell them apart was denied",
			CouldSee: adminVerify,
		})
		for i, c := range cs {
			if c.Status == StatusFail && c.ID != CheckRolesAssigned {
				cs[i].Evidence += "; held directly or through role-assignable group " + describeGroups(groups) + " (memberships cannot say which)"
			}
		}
	}
	if len(unknownScoped) > 0 {
		// A scoped membership of a role this answer does not describe:
		// beyond the expected roles in any case, and, unidentified,
		// treated as privileged.
		desc := strings.Join(unknownScoped, "; ")
		for i, c := range cs {
			switch c.ID {
			case CheckLeastPrivilege:
				cs[i] = fail(CheckLeastPrivilege, source+"unexpected: "+desc+alsoFound(c, source), "")
			case CheckNoUnexpectedPrivAdm:
				cs[i] = fail(CheckNoUnexpectedPrivAdm, source+"UNIDENTIFIED SCOPED ROLE(S), treated as privileged: "+desc+alsoFound(c, source), "")
			}
		}
	}
	return cs, notVisible
}

// alsoFound keeps what a failed check had found besides.
func alsoFound(c Check, source string) string {
	if c.Status != StatusFail {
		return ""
	}
	return "; also " + strings.TrimPrefix(c.Evidence, source)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func (r Report) modeNote() string {
	if r.Mode != ModeSelf {
		return ""
	}
	tenant := ""
	if r.TenantID != "" {
		tenant = fmt.Sprintf(", tenant %s (from the %s)", r.TenantID, r.TenantIDSource)
	}
	return " (signed in as the account" + tenant + ")"
}

// writeNotVisible writes what the report could not see by design.
func writeNotVisible(b *strings.Builder, nv []NotVisible) {
	if len(nv) == 0 {
		return
	}
	fmt.Fprintf(b, "\nNot visible to this credential (does not count against the verdict):\n")
	for _, n := range nv {
		fmt.Fprintf(b, "  - %s: %s. Could see it: %s.\n", n.What, n.Why, n.CouldSee)
	}
}
