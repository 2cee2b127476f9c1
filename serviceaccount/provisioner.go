package serviceaccount

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

// Options configures a [Provisioner]. A nil *Options uses the defaults.
type Options struct {
	// Logger receives progress at info level and details at debug level.
	// Secrets are never logged. Default: discard.
	Logger *slog.Logger
	// OnEvent, when set, is called synchronously for every step, so a UI
	// can show progress during slow steps such as a replication wait.
	// Concurrent calls of the same Provisioner call it concurrently.
	OnEvent func(Event)
	// ReplicationTimeout bounds the wait for a new account to become
	// visible to role assignment (Entra ID's replication lag is typically
	// 15-30 s, sometimes minutes). Default: 5 minutes.
	ReplicationTimeout time.Duration
	// PollInterval is the first wait between attempts; each later wait is
	// 1.5 times longer, up to MaxPollInterval. Defaults: 250 ms and 5 s.
	PollInterval    time.Duration
	MaxPollInterval time.Duration
	// RollbackTimeout bounds the cleanup after a failure, which runs even
	// when the caller's context is done. Default: 2 minutes.
	RollbackTimeout time.Duration
	// ReadBackTimeout bounds how long Provision keeps reading back an
	// account whose create it cannot be sure of (the answer was lost, or
	// the service answered an error after perhaps applying it) while reads
	// do not show the account yet (a read served by a replica that has not
	// caught up). If the account appears carrying this call's marker it is
	// this call's; if it never does, the error says it may still appear
	// (AccountLeft). The same bound applies when a rollback's delete
	// answers not found for the account this call created. It runs within
	// RollbackTimeout, even when ctx is done. Default: 30 seconds.
	ReadBackTimeout time.Duration
	// Rand is the source of randomness for passwords and markers.
	// Default: crypto/rand.Reader.
	Rand io.Reader
	// Sleep waits for d or until ctx is done (returning ctx.Err()); tests
	// inject a fake clock here. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock used to measure waits. Default: time.Now.
	Now func() time.Time
}

// EventKind names a step of a provisioning run.
type EventKind string

// Event kinds.
const (
	EventRead            EventKind = "read"
	EventCreateUser      EventKind = "create-user"
	EventAssignRoles     EventKind = "assign-roles"
	EventReplicationWait EventKind = "replication-wait"
	EventReadBack        EventKind = "read-back"
	EventRollback        EventKind = "rollback"
	EventDelete          EventKind = "delete"
	EventDone            EventKind = "done"
)

// Event reports progress. It never carries a secret.
type Event struct {
	Kind              EventKind
	UserPrincipalName string
	Message           string
	// Attempt, Elapsed and Wait describe a replication wait.
	Attempt int
	Elapsed time.Duration
	Wait    time.Duration
}

// Provisioner creates, converges and removes customer-consent service
// accounts in one directory. It is safe for concurrent use.
type Provisioner struct {
	dir  directory.Directory
	opts Options
}

// New returns a Provisioner working on dir. opts may be nil.
func New(dir directory.Directory, opts *Options) *Provisioner {
	p := &Provisioner{dir: dir}
	if opts != nil {
		p.opts = *opts
	}
	o := &p.opts
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.ReplicationTimeout <= 0 {
		o.ReplicationTimeout = 5 * time.Minute
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 250 * time.Millisecond
	}
	if o.MaxPollInterval <= 0 {
		o.MaxPollInterval = 5 * time.Second
	}
	if o.MaxPollInterval < o.PollInterval {
		o.MaxPollInterval = o.PollInterval
	}
	if o.RollbackTimeout <= 0 {
		o.RollbackTimeout = 2 * time.Minute
	}
	if o.ReadBackTimeout <= 0 {
		o.ReadBackTimeout = 30 * time.Second
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return p
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (p *Provisioner) emit(ctx context.Context, e Event) {
	attrs := []slog.Attr{slog.String("upn", e.UserPrincipalName)}
	if e.Kind == EventReplicationWait || e.Kind == EventReadBack {
		attrs = append(attrs, slog.Int("attempt", e.Attempt), slog.Duration("elapsed", e.Elapsed), slog.Duration("next", e.Wait))
	}
	p.opts.Logger.LogAttrs(ctx, slog.LevelInfo, "serviceaccount: "+string(e.Kind)+": "+e.Message, attrs...)
	if p.opts.OnEvent != nil {
		p.opts.OnEvent(e)
	}
}

// Error is returned by Provision, Plan and Deprovision when a step fails.
// It unwraps to the cause, so errors.Is classifies it with the directory
// sentinels (or the context's error), and says whether the account was left
// in the directory.
type Error struct {
	// Op is "provision", "plan" or "deprovision".
	Op string
	// UserPrincipalName (or the object ID) of the account.
	Account string
	// Step is what was being done, such as `assign role "Teams Administrator"`.
	Step string
	Err  error
	// Created reports that this call created the account before failing.
	Created bool
	// RolledBack reports that the account created by this call was
	// deleted again; RollbackErr is why that failed, if it did.
	RolledBack  bool
	RollbackErr error
	// AccountLeft reports that the account exists after the call (or may:
	// see the message), and why. Provision then also returns the Result as
	// far as it got, with the temporary password when this call set one,
	// so that the caller can hand it to the account's owner or remove the
	// account ([Provisioner.Deprovision]).
	AccountLeft bool
	LeftReason  string
}

func (e *Error) Error() string {
	s := fmt.Sprintf("serviceaccount: %s %q: %s: %v", e.Op, e.Account, e.Step, e.Err)
	switch {
	case e.RolledBack:
		s += "; the account created by this call was deleted (rolled back)"
	case e.RollbackErr != nil:
		s += fmt.Sprintf("; rollback failed, the account is left in place: %v", e.RollbackErr)
	case e.AccountLeft && e.LeftReason != "":
		s += "; the account is left in place: " + e.LeftReason
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Provision converges the directory to spec: an absent account is created
// with a temporary password and given exactly the spec's roles; an account
// this SDK created gets its missing roles; a re-run on a converged account
// reads once and writes nothing. Roles the account holds beyond the spec are
// reported in Result.Unexpected, not removed.
//
// The spec is validated before any directory call. If a step fails after
// this call created the account, the account is deleted again (even if ctx
// is done) unless spec.KeepOnFailure is set; the returned *Error says
// whether that rollback succeeded. When the error says the account is left
// in place ([Error.AccountLeft]), the returned Result is not empty: it
// holds what was done, and the temporary password if this call set one.
func (p *Provisioner) Provision(ctx context.Context, spec Spec) (Result, error) {
	n, err := spec.validate()
	if err != nil {
		return Result{}, err
	}
	upn := n.spec.UserPrincipalName
	st, err := p.read(ctx, "provision", n)
	if err != nil {
		return Result{}, err
	}
	res := Result{
		Account: Account{
			UserPrincipalName: upn, Workloads: slices.Clone(spec.Workloads), Access: spec.Access,
			Roles: slices.Clone(spec.Roles), UsageLocation: n.spec.UsageLocation,
		},
		Unexpected: st.plan.Unexpected,
		Warnings:   st.plan.Warnings,
	}
	user := st.user
	if !st.plan.Exists {
		var pw directory.Password
		user, pw, res.Created, err = p.create(ctx, n, &res)
		if err != nil {
			if left(err) {
				res.Password = pw
				return res, err
			}
			return Result{}, err
		}
		res.Password = pw
	} else {
		res.Adopted = !IsManaged(user)
		if IsManaged(user) && neverSignedIn(user) {
			res.Warnings = append(res.Warnings, "not signed in yet: the temporary password was returned by the run that created the account, not by this one")
		}
	}
	res.User = user
	res.Account.ID = user.ID
	res.Account.UserPrincipalName = user.UserPrincipalName

	created, err := p.assign(ctx, upn, user.ID, st.missing, &res)
	if err != nil {
		perr := &Error{Op: "provision", Account: upn, Err: err, Created: res.Created}
		var se *stepError
		if errors.As(err, &se) {
			perr.Step, perr.Err = se.step, se.err
		}
		if res.Created {
			p.rollback(ctx, n.spec, user, created, perr)
		} else if len(created) > 0 {
			perr.AccountLeft = true
			perr.LeftReason = fmt.Sprintf("it existed before this call; %d of its missing roles were assigned", len(created))
		}
		if perr.AccountLeft {
			return res, perr
		}
		return Result{}, perr
	}
	p.emit(ctx, Event{Kind: EventDone, UserPrincipalName: upn, Message: fmt.Sprintf("%d change(s)", len(res.Changes))})
	return res, nil
}

// state is what the single read found, with the plan derived from it.
type state struct {
	user directory.User
	plan Plan
	// missing are the roles to assign, one per assign-role change.
	missing []roles.Role
}

// read takes the one snapshot Provision and Plan need (user, its role
// assignments, the tenant's domains) and derives the plan from it.
func (p *Provisioner) read(ctx context.Context, op string, n normalized) (state, error) {
	upn := n.spec.UserPrincipalName
	p.emit(ctx, Event{Kind: EventRead, UserPrincipalName: upn, Message: "reading the account, its roles and the tenant's domains"})
	snap, err := directory.ReadSnapshot(ctx, p.dir, directory.SnapshotRequest{User: upn, RoleAssignments: true, Domains: true})
	if err != nil {
		return state{}, &Error{Op: op, Account: upn, Step: "read account", Err: err}
	}
	pl := Plan{UserPrincipalName: upn, Roles: n.roles}
	for _, r := range n.roles {
		if r.Privileged {
			pl.Warnings = append(pl.Warnings, fmt.Sprintf("privileged role %s granted because AllowPrivileged is set", r.Name))
		}
	}
	switch {
	case snap.UserErr == nil:
	case errors.Is(snap.UserErr, directory.ErrNotFound):
		if snap.DomainsErr == nil {
			if err := checkDomain(upn, snap.Domains); err != nil {
				return state{}, err
			}
		} else {
			pl.Warnings = append(pl.Warnings, fmt.Sprintf("could not read the tenant's domains to check the UPN's domain (%v)", snap.DomainsErr))
		}
		pl.Changes = append(pl.Changes, Change{
			Action: ActionCreateUser, Object: upn,
			Detail: fmt.Sprintf("displayName %q, mailNickname %q, usageLocation %s, temporary password, must change at first sign-in",
				n.spec.DisplayName, n.spec.MailNickname, n.spec.UsageLocation),
		})
		for _, r := range n.roles {
			pl.Changes = append(pl.Changes, assignChange(r))
		}
		return state{plan: pl, missing: n.roles}, nil
	default:
		return state{}, &Error{Op: op, Account: upn, Step: "read account", Err: snap.UserErr}
	}

	u := snap.User
	pl.Exists, pl.UserID = true, u.ID
	if !IsManaged(u) && !n.spec.Adopt {
		return state{}, &Error{Op: op, Account: upn, Step: "check ownership",
			Err: fmt.Errorf("%w (employeeType %q has no %q marker; set Spec.Adopt to converge it anyway): %w", ErrNotManaged, u.EmployeeType, MarkerPrefix, directory.ErrExists)}
	}
	if !IsManaged(u) {
		pl.Warnings = append(pl.Warnings, "adopting an account this SDK did not create (Spec.Adopt)")
	}
	if u.OnPremisesSyncEnabled {
		pl.Warnings = append(pl.Warnings, "the account is synchronised from on-premises Active Directory; a service account should be cloud-only")
	}
	if snap.RoleAssignmentsErr != nil {
		return state{}, &Error{Op: op, Account: upn, Step: "read role assignments", Err: snap.RoleAssignmentsErr}
	}
	held := map[string]bool{}
	for _, a := range snap.RoleAssignments {
		if a.DirectoryScopeID == directory.TenantScope {
			held[strings.ToLower(a.RoleDefinitionID)] = true
		}
	}
	want := map[string]bool{}
	var missing []roles.Role
	for _, r := range n.roles {
		want[r.ID] = true
		if !held[r.ID] {
			pl.Changes = append(pl.Changes, assignChange(r))
			missing = append(missing, r)
		}
	}
	for _, a := range snap.RoleAssignments {
		id := strings.ToLower(a.RoleDefinitionID)
		if want[id] && a.DirectoryScopeID == directory.TenantScope {
			continue
		}
		r, ok := roles.Lookup(id)
		if !ok {
			r = roles.Role{ID: id, Name: "custom role " + id}
		}
		if a.DirectoryScopeID != directory.TenantScope {
			r.Name += " at scope " + a.DirectoryScopeID
		}
		pl.Unexpected = append(pl.Unexpected, r)
	}
	if IsManaged(u) && len(missing) > 0 && !neverSignedIn(u) {
		pl.Warnings = append(pl.Warnings, fmt.Sprintf("granting %d role(s) to an existing account (%s) whose password has been changed since creation: the %q marker is not proof of origin (anyone allowed to edit employeeType can set it), so check that this is the object ID you onboarded", len(missing), u.ID, MarkerPrefix))
	}
	if u.UsageLocation != n.spec.UsageLocation {
		pl.Warnings = append(pl.Warnings, fmt.Sprintf("usage location is %q, the spec says %q (not changed)", u.UsageLocation, n.spec.UsageLocation))
	}
	return state{user: u, plan: pl, missing: missing}, nil
}

// left reports whether err says the account is (or may be) left in place.
func left(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.AccountLeft
}

// neverSignedIn reports whether the password is still the one set at
// creation.
func neverSignedIn(u directory.User) bool {
	return !u.LastPasswordChangeDateTime.After(u.CreatedDateTime.Add(5 * time.Second))
}

func assignChange(r roles.Role) Change {
	return Change{Action: ActionAssignRole, Object: r.Name, RoleID: r.ID, Scope: directory.TenantScope}
}

// Plan returns the changes Provision would make, without writing. It costs
// one read of the directory.
func (p *Provisioner) Plan(ctx context.Context, spec Spec) (Plan, error) {
	n, err := spec.validate()
	if err != nil {
		return Plan{}, err
	}
	st, err := p.read(ctx, "plan", n)
	if err != nil {
		return Plan{}, err
	}
	return st.plan, nil
}

func (p *Provisioner) marker() (string, error) {
	b := make([]byte, 6)
	if _, err := io.ReadFull(p.opts.Rand, b); err != nil {
		return "", fmt.Errorf("serviceaccount: generate marker: %w", err)
	}
	return MarkerPrefix + hex.EncodeToString(b), nil
}

// create creates the account. When the service's answer is lost, it reads
// the account back and recognises its own create by the marker's nonce.
func (p *Provisioner) create(ctx context.Context, n normalized, res *Result) (directory.User, directory.Password, bool, error) {
	upn := n.spec.UserPrincipalName
	fail := func(step string, err error) (directory.User, directory.Password, bool, error) {
		return directory.User{}, directory.Password{}, false, &Error{Op: "provision", Account: upn, Step: step, Err: err}
	}
	pw := n.spec.Password
	if pw.IsZero() {
		var err error
		if pw, err = generatePassword(p.opts.Rand); err != nil {
			return fail("generate password", err)
		}
	}
	mark, err := p.marker()
	if err != nil {
		return fail("generate marker", err)
	}
	if err := ctx.Err(); err != nil {
		// Not sent: nothing to read back.
		return fail("create user", err)
	}
	p.emit(ctx, Event{Kind: EventCreateUser, UserPrincipalName: upn, Message: "creating the account"})
	u, err := p.dir.CreateUser(ctx, directory.NewUser{
		UserPrincipalName:             upn,
		DisplayName:                   n.spec.DisplayName,
		MailNickname:                  n.spec.MailNickname,
		UsageLocation:                 n.spec.UsageLocation,
		EmployeeType:                  mark,
		AccountEnabled:                true,
		Password:                      pw,
		ForceChangePasswordNextSignIn: true,
	})
	if err == nil {
		res.Changes = append(res.Changes, Change{Action: ActionCreateUser, Object: upn, Detail: "temporary password, must change at first sign-in"})
		return u, pw, true, nil
	}
	if errors.Is(err, directory.ErrInvalid) || errors.Is(err, directory.ErrPermission) {
		return fail("create user", err)
	}
	// The create failed, raced, or its answer was lost: look at what is
	// there now. The read runs even if ctx is done, so that an account
	// this call created is never left unrecognised.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.opts.RollbackTimeout)
	defer cancel()
	got, waited, rerr := p.readBack(ctx, rctx, upn, err)
	switch {
	case rerr == nil && got.EmployeeType == mark:
		// Ours: the create was applied and only the answer was lost.
		p.opts.Logger.LogAttrs(ctx, slog.LevelInfo, "serviceaccount: create-user: the answer was lost but the account was created", slog.String("upn", upn))
		res.Changes = append(res.Changes, Change{Action: ActionCreateUser, Object: upn, Detail: "temporary password, must change at first sign-in"})
		if ctx.Err() != nil {
			// Honour the cancellation, but do not leave the account
			// behind with a password nobody will receive.
			perr := &Error{Op: "provision", Account: upn, Step: "create user", Err: ctx.Err(), Created: true}
			p.rollback(ctx, n.spec, got, nil, perr)
			return directory.User{}, directory.Password{}, false, perr
		}
		return got, pw, true, nil
	case rerr == nil && (IsManaged(got) || n.spec.Adopt):
		// Not ours, so this create was not applied: the account was
		// created concurrently by another run (whatever error the create
		// gave). Converge it, password unknown to this call.
		res.Warnings = append(res.Warnings, "the account was created concurrently by another run; its temporary password is not known to this call")
		res.Adopted = !IsManaged(got)
		return got, directory.Password{}, false, nil
	case rerr == nil:
		return fail("create user", fmt.Errorf("%w (employeeType %q): %w", ErrNotManaged, got.EmployeeType, directory.ErrExists))
	case errors.Is(rerr, directory.ErrNotFound) && !mayHaveApplied(err):
		return fail("create user", err)
	case errors.Is(rerr, directory.ErrNotFound):
		e := &Error{Op: "provision", Account: upn, Step: "create user", Err: err, AccountLeft: true,
			LeftReason: fmt.Sprintf("the create may have been applied, and the account was still not visible %v later: most likely it was not created, but if it appears it carries this call's %q marker and the temporary password in the returned Result; re-run Provision to converge it or Deprovision to remove it", waited.Round(time.Millisecond), mark)}
		return directory.User{}, pw, false, e
	default:
		e := &Error{Op: "provision", Account: upn, Step: "create user", Err: err, AccountLeft: true,
			LeftReason: fmt.Sprintf("the create's outcome is unknown and reading it back failed (%v); if the account exists it carries this call's %q marker and the temporary password in the returned Result; re-run Provision to converge it or Deprovision to remove it", rerr, mark)}
		return directory.User{}, pw, false, e
	}
}

// mayHaveApplied reports whether a failed create may nevertheless have
// been applied: anything but a refusal the service makes before it acts
// (throttling; invalid input and denied permission never get here).
func mayHaveApplied(err error) bool {
	return !errors.Is(err, directory.ErrThrottled)
}

// readBack reads the account by UPN after a create that failed. While
// reads do not show it and the create may have been applied, it keeps
// reading with backoff for up to ReadBackTimeout (a read served by a
// replica that has not caught up with the write answers not found).
// rctx outlives ctx; ctx is only for logging and events.
func (p *Provisioner) readBack(ctx, rctx context.Context, upn string, createErr error) (directory.User, time.Duration, error) {
	b := p.newBackoff()
	for {
		got, err := p.dir.User(rctx, upn)
		if !errors.Is(err, directory.ErrNotFound) || !mayHaveApplied(createErr) || !b.fits(p.opts.ReadBackTimeout) {
			return got, b.elapsed(), err
		}
		p.emit(ctx, b.event(EventReadBack, upn, "the create's outcome is unknown and the account is not visible yet; reading it back"))
		if b.sleep(rctx) != nil {
			return got, b.elapsed(), err
		}
	}
}

// backoff paces a polling loop: the first wait is PollInterval, each later
// one 1.5 times longer, up to MaxPollInterval. Its elapsed time is the
// larger of the clock's and the sum of the waits asked of Sleep, so that a
// bound holds even when Now does not move with Sleep (an injected Sleep
// without an injected Now).
type backoff struct {
	p       *Provisioner
	start   time.Time
	waited  time.Duration
	next    time.Duration
	attempt int
}

func (p *Provisioner) newBackoff() *backoff {
	return &backoff{p: p, start: p.opts.Now(), next: p.opts.PollInterval, attempt: 1}
}

func (b *backoff) elapsed() time.Duration { return max(b.p.opts.Now().Sub(b.start), b.waited) }

// fits reports whether the next wait ends within limit of the start.
func (b *backoff) fits(limit time.Duration) bool { return b.elapsed()+b.next <= limit }

// event describes the coming wait.
func (b *backoff) event(kind EventKind, upn, msg string) Event {
	return Event{Kind: kind, UserPrincipalName: upn, Message: msg, Attempt: b.attempt, Elapsed: b.elapsed(), Wait: b.next}
}

// sleep waits the next interval, or returns ctx's error.
func (b *backoff) sleep(ctx context.Context) error {
	if err := b.p.opts.Sleep(ctx, b.next); err != nil {
		return err
	}
	b.waited += b.next
	b.next = min(b.next*3/2, b.p.opts.MaxPollInterval)
	b.attempt++
	return nil
}

// stepError names the step an assignment failure happened in.
type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

// assign creates the missing role assignments in as few calls as the
// directory allows, waiting out replication lag: a principal the directory
// does not know yet (ErrNotFound) is retried with backoff until
// ReplicationTimeout. An assignment that already exists counts as done. It
// returns the assignments it created.
func (p *Provisioner) assign(ctx context.Context, upn, userID string, missing []roles.Role, res *Result) ([]directory.RoleAssignment, error) {
	if len(missing) == 0 {
		return nil, nil
	}
	byID := map[string]roles.Role{}
	pending := make([]directory.RoleAssignment, len(missing))
	for i, r := range missing {
		byID[r.ID] = r
		pending[i] = directory.RoleAssignment{PrincipalID: userID, RoleDefinitionID: r.ID, DirectoryScopeID: directory.TenantScope}
	}
	var created []directory.RoleAssignment
	b := p.newBackoff()
	for {
		p.emit(ctx, Event{Kind: EventAssignRoles, UserPrincipalName: upn, Message: fmt.Sprintf("assigning %d role(s)", len(pending)), Attempt: b.attempt})
		results := directory.CreateRoleAssignments(ctx, p.dir, pending)
		var retry []directory.RoleAssignment
		var lastNotFound error
		for _, r := range results {
			role := byID[r.Assignment.RoleDefinitionID]
			switch {
			case r.Err == nil:
				created = append(created, r.Assignment)
				res.Changes = append(res.Changes, assignChange(role))
			case errors.Is(r.Err, directory.ErrExists):
				// Assigned already (by an earlier attempt whose answer was lost, or concurrently).
			case errors.Is(r.Err, directory.ErrNotFound) && ctx.Err() == nil:
				retry = append(retry, r.Assignment)
				lastNotFound = r.Err
			default:
				return created, &stepError{step: fmt.Sprintf("assign role %q", role.Name), err: r.Err}
			}
		}
		if len(retry) == 0 {
			return created, nil
		}
		pending = retry
		if !b.fits(p.opts.ReplicationTimeout) {
			return created, &stepError{
				step: fmt.Sprintf("assign role %q", byID[retry[0].RoleDefinitionID].Name),
				err:  fmt.Errorf("the new account was still unknown to role assignment after %v (replication lag; Options.ReplicationTimeout): %w", b.elapsed().Round(time.Millisecond), lastNotFound),
			}
		}
		p.emit(ctx, b.event(EventReplicationWait, upn, "waiting for the new account to replicate"))
		if err := b.sleep(ctx); err != nil {
			return created, &stepError{step: "wait for replication", err: err}
		}
	}
}

// rollback deletes an account this call created, even if ctx is done,
// and records the outcome in perr.
func (p *Provisioner) rollback(ctx context.Context, spec Spec, u directory.User, created []directory.RoleAssignment, perr *Error) {
	perr.Created = true
	if spec.KeepOnFailure {
		perr.AccountLeft = true
		perr.LeftReason = fmt.Sprintf("Spec.KeepOnFailure is set; the account %s (%s) exists, with the temporary password in the returned Result", u.UserPrincipalName, u.ID)
		return
	}
	p.emit(ctx, Event{Kind: EventRollback, UserPrincipalName: u.UserPrincipalName, Message: "deleting the account this call created"})
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.opts.RollbackTimeout)
	defer cancel()
	ids := make([]string, len(created))
	for i, a := range created {
		ids[i] = a.ID
	}
	if err := p.deleteCreated(ctx, rctx, u, ids); err != nil {
		perr.RollbackErr = err
		perr.AccountLeft = true
		return
	}
	perr.RolledBack = true
}

// deleteCreated deletes the account this call created, with the role
// assignments it made. A delete answered "not found" is not taken at its
// word: this call created the account, so the answer may come from a
// replica that has not seen it yet. The account counts as deleted once a
// read by object ID does not find it either, after ReadBackTimeout of
// retrying; while a read still finds it, the delete is sent again. A delete
// whose answer was lost (unavailable, throttled) is checked the same way.
func (p *Provisioner) deleteCreated(ctx, rctx context.Context, u directory.User, assignmentIDs []string) error {
	id := u.ID
	// Every role the new account holds goes before it, not only those
	// this call knows it made: an assignment whose answer was lost (then
	// "exists") has no ID here, and deleting a user who holds an admin
	// role takes more than User.ReadWrite.All. Reads may lag, so the
	// assignments this call made are kept whatever the list says.
	if held, err := p.dir.RoleAssignments(rctx, id); err == nil {
		for _, a := range held {
			if !slices.Contains(assignmentIDs, a.ID) {
				assignmentIDs = append(assignmentIDs, a.ID)
			}
		}
	}
	err := directory.DeleteUserAndRoleAssignments(rctx, p.dir, id, assignmentIDs)
	b := p.newBackoff()
	for err != nil {
		notFound := errors.Is(err, directory.ErrNotFound)
		if !notFound && !errors.Is(err, directory.ErrUnavailable) && !errors.Is(err, directory.ErrThrottled) {
			return err
		}
		if !b.fits(p.opts.RollbackTimeout) {
			return fmt.Errorf("%w (still failing after %v of retrying; Options.RollbackTimeout)", err, b.elapsed().Round(time.Millisecond))
		}
		_, rerr := p.dir.User(rctx, id)
		if errors.Is(rerr, directory.ErrNotFound) && (!notFound || !b.fits(p.opts.ReadBackTimeout)) {
			// Gone: a delete whose answer was lost was applied, or the
			// delete and the reads have agreed for ReadBackTimeout.
			return nil
		}
		p.emit(ctx, b.event(EventRollback, u.UserPrincipalName, fmt.Sprintf("the delete answered %v; checking the account is gone", err)))
		if serr := b.sleep(rctx); serr != nil {
			return fmt.Errorf("%w (gave up confirming the delete: %v)", err, serr)
		}
		if rerr == nil {
			// Still there: delete it again.
			err = p.dir.DeleteUser(rctx, id)
		}
	}
	return nil
}

// Deprovision removes the account's role assignments and deletes it. It is
// idempotent: an account that does not exist is not an error. It refuses
// (with [ErrNotManaged]) an account this SDK did not create.
//
// "Does not exist" is what a read says, and a directory's reads may lag
// behind its writes: seconds after Provision created the account, a read
// may not find it yet, and Deprovision then has nothing to delete. It does
// not delete what it cannot read, since it must check the account's
// marker first. To undo a Provision at once, rely on its rollback (a
// failed Provision deletes what it created); otherwise Deprovision again
// later, or Verify that account.exists fails.
func (p *Provisioner) Deprovision(ctx context.Context, acct Account) error {
	if errs := acct.validateKey(); len(errs) > 0 {
		return errors.Join(errs...)
	}
	name := acct.String()
	fail := func(step string, err error) error {
		return &Error{Op: "deprovision", Account: name, Step: step, Err: err}
	}
	p.emit(ctx, Event{Kind: EventRead, UserPrincipalName: name, Message: "reading the account and its roles"})
	snap, err := directory.ReadSnapshot(ctx, p.dir, directory.SnapshotRequest{User: acct.Key(), RoleAssignments: true})
	if err != nil {
		return fail("read account", err)
	}
	if errors.Is(snap.UserErr, directory.ErrNotFound) {
		return nil
	}
	if snap.UserErr != nil {
		return fail("read account", snap.UserErr)
	}
	u := snap.User
	if acct.UserPrincipalName != "" && !strings.EqualFold(u.UserPrincipalName, acct.UserPrincipalName) {
		return fail("check identity", fmt.Errorf("object %s has userPrincipalName %q, not %q: %w", u.ID, u.UserPrincipalName, acct.UserPrincipalName, directory.ErrInvalid))
	}
	if !IsManaged(u) {
		return fail("check ownership", fmt.Errorf("%w (employeeType %q); delete it by hand if that is really meant: %w", ErrNotManaged, u.EmployeeType, directory.ErrPermission))
	}
	if snap.RoleAssignmentsErr != nil {
		return fail("read role assignments", snap.RoleAssignmentsErr)
	}
	ids := make([]string, len(snap.RoleAssignments))
	for i, a := range snap.RoleAssignments {
		ids[i] = a.ID
	}
	p.emit(ctx, Event{Kind: EventDelete, UserPrincipalName: name, Message: fmt.Sprintf("removing %d role assignment(s) and the account", len(ids))})
	err = directory.DeleteUserAndRoleAssignments(ctx, p.dir, u.ID, ids)
	if err != nil && !errors.Is(err, directory.ErrNotFound) {
		return fail("delete account", err)
	}
	return nil
}
