package serviceaccount

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
)

// TemporaryAccessPass asks Provision to onboard the account without a
// password anyone knows: the account gets a random password that is never
// returned, logged or stored (it only satisfies the create), and a
// Temporary Access Pass, with which its owner signs in once and registers a
// strong method (a passkey, Microsoft Authenticator).
type TemporaryAccessPass struct {
	// Lifetime is how long the pass stays usable, in whole minutes between
	// 10 minutes and 30 days, within the tenant policy's minimum and
	// maximum. Zero: the policy's default lifetime.
	Lifetime time.Duration
	// UsableOnce limits the pass to one sign-in. Required when the
	// tenant's policy allows one-time passes only (isUsableOnce).
	UsableOnce bool
	// Renew issues a new pass to an existing account whose pass can no
	// longer be used (expired, or used once) and that has not registered a
	// strong method. Without it a re-run leaves such an account alone, with
	// a warning. An account with a usable pass, or with a strong method,
	// never gets a new pass.
	Renew bool
}

// IssuedPass is a Temporary Access Pass Provision issued: the passcode,
// which prints, logs and marshals as "[REDACTED]" like the
// [directory.Password] it embeds (only Reveal returns it), and its
// validity. Its JSON form is an object whose "pass" is "[REDACTED]".
type IssuedPass struct {
	directory.Password
	// ID is the pass's authentication method ID.
	ID string
	// StartDateTime and EndDateTime bound its validity.
	StartDateTime time.Time
	EndDateTime   time.Time
	// UsableOnce reports a one-time pass.
	UsableOnce bool
}

// MarshalJSON redacts the passcode and keeps the validity.
func (p IssuedPass) MarshalJSON() ([]byte, error) {
	if p.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(struct {
		Pass          directory.Password `json:"pass"`
		ID            string             `json:"id"`
		StartDateTime time.Time          `json:"startDateTime"`
		EndDateTime   time.Time          `json:"endDateTime"`
		UsableOnce    bool               `json:"usableOnce"`
	}{p.Password, p.ID, p.StartDateTime, p.EndDateTime, p.UsableOnce})
}

// ErrAccessPassPolicy marks a Temporary Access Pass the tenant's policy
// would refuse. Provision and Plan return it (wrapped in an [*Error] that
// also satisfies errors.Is(err, [directory.ErrInvalid])) before any write,
// naming the policy setting to change.
var ErrAccessPassPolicy = errors.New("the tenant's Temporary Access Pass policy does not allow the pass")

// passwordless reports whether the spec onboards with a Temporary Access
// Pass.
func (n normalized) passwordless() bool { return n.spec.TemporaryAccessPass != nil }

// createDetail describes the account's initial credential, for the create
// change.
func (n normalized) createDetail() string {
	if n.passwordless() {
		return "random password nobody receives; the owner signs in with a Temporary Access Pass"
	}
	return "temporary password, must change at first sign-in"
}

// validateAccessPass checks Spec.TemporaryAccessPass.
func (s Spec) validateAccessPass() []error {
	t := s.TemporaryAccessPass
	if t == nil {
		return nil
	}
	var errs []error
	if !s.Password.IsZero() {
		errs = append(errs, fieldErr("Password", "[REDACTED]", "must be empty with TemporaryAccessPass: the account's password is random and never returned"))
	}
	if l := t.Lifetime; l != 0 && (l < directory.MinAccessPassLifetime || l > directory.MaxAccessPassLifetime || l%time.Minute != 0) {
		errs = append(errs, fieldErr("TemporaryAccessPass.Lifetime", l.String(), "must be 0 (the policy's default) or a whole number of minutes from 10m to 720h (30 days)"))
	}
	return errs
}

// passDecision is what Provision does about the pass.
type passDecision struct {
	issue bool
	// replace is the ID of an unusable pass to delete first (Renew).
	replace string
	req     directory.NewAccessPass
}

// planAccessPass decides about the pass from what the read found, checks
// the tenant's policy when a pass is to be issued, and adds the change and
// the check to the plan. The error is the policy's refusal (or a failure
// to read it); the plan then shows the check that failed.
func (p *Provisioner) planAccessPass(ctx context.Context, r *retrier, op string, n normalized, st *state) (passDecision, error) {
	if !n.passwordless() {
		return passDecision{}, nil
	}
	upn := n.spec.UserPrincipalName
	want := *n.spec.TemporaryAccessPass
	d := passDecision{req: directory.NewAccessPass{Lifetime: want.Lifetime, UsableOnce: want.UsableOnce}}
	pl := &st.plan
	detail := ""
	if pl.Exists {
		if st.methodsErr != nil {
			ms, err := p.rereadMethods(ctx, r, upn, pl.UserID, st.methodsErr)
			if err != nil {
				return d, &Error{Op: op, Account: upn, Step: "read authentication methods", Err: err}
			}
			st.methods, st.methodsErr = ms, nil
		}
		var strong []string
		var pass *directory.AuthenticationMethod
		for i, m := range st.methods {
			switch {
			case m.Type == directory.MethodTemporaryAccessPass:
				pass = &st.methods[i]
			case isStrongMethod(m.Type):
				strong = append(strong, string(m.Type))
			}
		}
		switch {
		case len(strong) > 0:
			pl.AccessPassCheck = fmt.Sprintf("no pass issued: the account has registered a strong method (%s)", strings.Join(strong, ", "))
			return d, nil
		case pass != nil && (pass.AccessPass == nil || pass.AccessPass.Usable):
			pl.AccessPassCheck = "no pass issued: the account has a usable Temporary Access Pass (" + describePass(pass) + "); its passcode was returned by the run that issued it"
			return d, nil
		case pass != nil && !want.Renew:
			pl.AccessPassCheck = "no pass issued: the account's Temporary Access Pass is no longer usable (" + describePass(pass) + ") and it has registered no strong method"
			pl.Warnings = append(pl.Warnings, "the account's Temporary Access Pass is no longer usable and no strong method is registered: set Spec.TemporaryAccessPass.Renew to issue a new one")
			return d, nil
		case pass != nil:
			d.replace = pass.ID
			detail = fmt.Sprintf("replaces pass %s (%s); ", pass.ID, pass.AccessPass.Reason)
		}
	}
	iss, ok := p.dir.(directory.AccessPassIssuer)
	if !ok {
		return d, &Error{Op: op, Account: upn, Step: "read Temporary Access Pass policy",
			Err: fmt.Errorf("the directory (%T) does not implement directory.AccessPassIssuer: %w", p.dir, errors.ErrUnsupported)}
	}
	pol, err := p.readAccessPassPolicy(ctx, r, iss, upn)
	if err != nil {
		return d, &Error{Op: op, Account: upn, Step: "read Temporary Access Pass policy", Err: err}
	}
	lifetime, check, warn, err := checkAccessPassPolicy(pol, pl.UserID, want)
	pl.AccessPassCheck = check
	if err != nil {
		return d, &Error{Op: op, Account: upn, Step: "check Temporary Access Pass policy", Err: err}
	}
	if warn != "" {
		pl.Warnings = append(pl.Warnings, warn)
	}
	d.issue = true
	once := "reusable"
	if want.UsableOnce {
		once = "one use"
	}
	ch := Change{Action: ActionIssuePass, Object: upn, Detail: fmt.Sprintf("%slifetime %v, %s, before any role is assigned", detail, lifetime, once)}
	// After the create, before the roles.
	i := 0
	if len(pl.Changes) > 0 && pl.Changes[0].Action == ActionCreateUser {
		i = 1
	}
	pl.Changes = append(pl.Changes[:i], append([]Change{ch}, pl.Changes[i:]...)...)
	return d, nil
}

// rereadMethods reads the account's authentication methods again after
// the snapshot's read of them failed with err, while the failure is
// transient.
func (p *Provisioner) rereadMethods(ctx context.Context, r *retrier, upn, userID string, err error) ([]directory.AuthenticationMethod, error) {
	for {
		if err = r.again(ctx, upn, "read authentication methods", err); err != nil {
			return nil, err
		}
		var ms []directory.AuthenticationMethod
		if ms, err = p.dir.AuthenticationMethods(ctx, userID); err == nil {
			return ms, nil
		}
	}
}

// readAccessPassPolicy reads the policy, retrying transient failures.
func (p *Provisioner) readAccessPassPolicy(ctx context.Context, r *retrier, iss directory.AccessPassIssuer, upn string) (directory.AccessPassPolicy, error) {
	for {
		pol, err := iss.AccessPassPolicy(ctx)
		if err == nil {
			return pol, nil
		}
		if rerr := r.again(ctx, upn, "read Temporary Access Pass policy", err); rerr != nil {
			return pol, rerr
		}
	}
}

// checkAccessPassPolicy checks a pass for the account (userID: empty for an
// account not created yet) against the policy. It returns the lifetime the
// pass will have, the check as the plan shows it, a warning for what it
// cannot check, and the refusal, which names the policy setting to change.
//
// The new account is in no group when the pass is issued (Provision adds it
// to none), so a policy whose includeTargets name only groups is refused
// for it; for an existing account too, since Provision does not read group
// memberships: include all users (or the account itself) in the policy.
// Groups in excludeTargets cannot hold a new account; for an existing one
// they are a warning.
func checkAccessPassPolicy(pol directory.AccessPassPolicy, userID string, want TemporaryAccessPass) (time.Duration, string, string, error) {
	refuse := func(format string, args ...any) (time.Duration, string, string, error) {
		msg := fmt.Sprintf(format, args...)
		return 0, "refused: " + msg, "", fmt.Errorf("%w: %s: %w", ErrAccessPassPolicy, msg, directory.ErrInvalid)
	}
	if !pol.Enabled {
		return refuse("the Temporary Access Pass method is disabled (state); enable it in the Microsoft Entra admin center, Protection > Authentication methods > Policies > Temporary Access Pass")
	}
	if pol.IncludeTargets == nil {
		return refuse("its includeTargets could not be read, so the account cannot be shown to be targeted")
	}
	targeted := false
	var groups []string
	for _, t := range pol.IncludeTargets {
		switch {
		case t.ID == directory.AllUsers:
			targeted = true
		case t.Type == directory.TargetUser && userID != "" && strings.EqualFold(t.ID, userID):
			targeted = true
		case t.Type == directory.TargetGroup:
			groups = append(groups, t.ID)
		}
	}
	if !targeted {
		who := "the new account is in no group"
		if userID != "" {
			who = "Provision does not read the account's group memberships"
		}
		return refuse("includeTargets names only groups (%s) and %s; include all users, or the account, in the policy's includeTargets", strings.Join(groups, ", "), who)
	}
	warn := ""
	var exGroups []string
	for _, t := range pol.ExcludeTargets {
		switch {
		case t.Type == directory.TargetUser && userID != "" && strings.EqualFold(t.ID, userID):
			return refuse("excludeTargets excludes the account; remove it from the policy's excludeTargets")
		case t.Type == directory.TargetGroup:
			exGroups = append(exGroups, t.ID)
		}
	}
	if len(exGroups) > 0 && userID != "" {
		warn = fmt.Sprintf("the Temporary Access Pass policy excludes groups (%s); Provision does not check whether the account is in one", strings.Join(exGroups, ", "))
	}
	lifetime := want.Lifetime
	if lifetime == 0 {
		lifetime = pol.DefaultLifetime
	}
	if lifetime < pol.MinimumLifetime || lifetime > pol.MaximumLifetime {
		return refuse("the lifetime %v is outside the policy's minimumLifetimeInMinutes %d and maximumLifetimeInMinutes %d; change Spec.TemporaryAccessPass.Lifetime or those settings",
			lifetime, int(pol.MinimumLifetime/time.Minute), int(pol.MaximumLifetime/time.Minute))
	}
	if pol.UsableOnce && !want.UsableOnce {
		return refuse("the policy allows one-time passes only (isUsableOnce); set Spec.TemporaryAccessPass.UsableOnce, or clear isUsableOnce in the policy")
	}
	return lifetime, fmt.Sprintf("allowed: the method is enabled for all users, lifetime %v within %v to %v", lifetime, pol.MinimumLifetime, pol.MaximumLifetime), warn, nil
}

// describePass says what a pass method's validity is.
func describePass(m *directory.AuthenticationMethod) string {
	if m.AccessPass == nil {
		return "pass " + m.ID + ", usability not reported"
	}
	a := m.AccessPass
	return fmt.Sprintf("pass %s, %s, valid %s to %s", m.ID, a.Reason, a.StartDateTime.UTC().Format(time.RFC3339), a.EndDateTime().UTC().Format(time.RFC3339))
}

// isStrongMethod reports whether a method type is a strong method an owner
// registers with the pass: a second factor. Password, Temporary Access
// Pass and email are not; an unknown type is not counted.
func isStrongMethod(t directory.MethodType) bool {
	switch t {
	case directory.MethodMicrosoftAuthenticator, directory.MethodPhone, directory.MethodFido2,
		directory.MethodSoftwareOath, directory.MethodHardwareOath, directory.MethodWindowsHelloForBusiness,
		directory.MethodPlatformCredential, directory.MethodExternal:
		return true
	}
	return false
}

// issueAccessPass issues the pass, before any role is assigned (an
// Authentication Administrator may issue passes only to users without
// admin roles). A transient failure is retried; since the answer may have
// been lost after the pass was created (and only that answer carries the
// passcode), the account's passes are read first and any found is deleted
// before the next attempt, so that the pass returned is one whose passcode
// this call has (Microsoft documents that a new pass replaces the current
// one; deleting first is right whether or not it does). A new account
// unknown to the authentication methods API (replication lag, ErrNotFound)
// is waited for as for role assignment.
func (p *Provisioner) issueAccessPass(ctx context.Context, r *retrier, upn, userID string, d passDecision, res *Result) (directory.AccessPass, error) {
	iss := p.dir.(directory.AccessPassIssuer) // planAccessPass checked it
	const step = "issue Temporary Access Pass"
	p.emit(ctx, Event{Kind: EventIssuePass, UserPrincipalName: upn, Message: "issuing a Temporary Access Pass"})
	stale := d.replace != ""
	b := p.newBackoff()
	for {
		if stale {
			err := p.deletePasses(ctx, iss, userID)
			if err != nil {
				if rerr := r.again(ctx, upn, "delete an unusable Temporary Access Pass", err); rerr != nil {
					return directory.AccessPass{}, &stepError{step: step, err: rerr}
				}
				continue
			}
			stale = false
		}
		pass, err := iss.CreateAccessPass(ctx, userID, d.req)
		switch {
		case err == nil:
			res.Changes = append(res.Changes, Change{Action: ActionIssuePass, Object: upn,
				Detail: fmt.Sprintf("valid %s to %s", pass.StartDateTime.UTC().Format(time.RFC3339), pass.EndDateTime().UTC().Format(time.RFC3339))})
			return pass, nil
		case errors.Is(err, directory.ErrNotFound) && res.Created && ctx.Err() == nil && b.fits(p.opts.ReplicationTimeout):
			p.emit(ctx, b.event(EventReplicationWait, upn, "waiting for the new account to replicate"))
			if serr := b.sleep(ctx); serr != nil {
				return directory.AccessPass{}, &stepError{step: step, err: serr}
			}
			continue
		case directory.IsTemporary(err) && mayHaveApplied(err):
			stale = true
		}
		if rerr := r.again(ctx, upn, step, err); rerr != nil {
			return directory.AccessPass{}, &stepError{step: step, err: rerr}
		}
	}
}

// deletePasses deletes every pass the user has (one at most).
func (p *Provisioner) deletePasses(ctx context.Context, iss directory.AccessPassIssuer, userID string) error {
	ps, err := iss.AccessPasses(ctx, userID)
	if errors.Is(err, directory.ErrNotFound) {
		return nil // not visible yet: the next create replaces it
	}
	if err != nil {
		return err
	}
	for _, old := range ps {
		if err := iss.DeleteAccessPass(ctx, userID, old.ID); err != nil && !errors.Is(err, directory.ErrNotFound) {
			return err
		}
	}
	return nil
}

// issuedPass is the pass as Result carries it.
func issuedPass(a directory.AccessPass) IssuedPass {
	return IssuedPass{Password: a.Pass, ID: a.ID, StartDateTime: a.StartDateTime, EndDateTime: a.EndDateTime(), UsableOnce: a.UsableOnce}
}
