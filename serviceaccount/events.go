package serviceaccount

import (
	"context"
	"log/slog"
	"time"
)

// EventKind names a step of a provisioning run.
type EventKind string

// Event kinds.
const (
	EventRead            EventKind = "read"
	EventCreateUser      EventKind = "create-user"
	EventAssignRoles     EventKind = "assign-roles"
	EventIssuePass       EventKind = "issue-temporary-access-pass"
	EventReplicationWait EventKind = "replication-wait"
	EventReadBack        EventKind = "read-back"
	EventRollback        EventKind = "rollback"
	EventDelete          EventKind = "delete"
	EventDone            EventKind = "done"
	// EventRetry: a step failed with a transient fault (throttled,
	// unavailable, a lost answer) and is sent again after Wait.
	EventRetry EventKind = "retry"
	// EventGrantConsent: the partner application's service principal or
	// the account's own grant is being created or extended
	// (Spec.GrantConsent).
	EventGrantConsent EventKind = "grant-consent"
)

// Event reports progress. It never carries a secret.
type Event struct {
	Kind              EventKind
	UserPrincipalName string
	Message           string
	// Attempt, Elapsed and Wait describe a wait (a replication wait, a
	// read-back, a retry): the attempt that just failed, the time spent so
	// far and the wait before the next attempt.
	Attempt int
	Elapsed time.Duration
	Wait    time.Duration
	// Err is the transient failure an EventRetry retries.
	Err error
}

func (p *Provisioner) emit(ctx context.Context, e Event) {
	attrs := []slog.Attr{slog.String("upn", e.UserPrincipalName)}
	if e.Kind == EventReplicationWait || e.Kind == EventReadBack || e.Kind == EventRetry {
		attrs = append(attrs, slog.Int("attempt", e.Attempt), slog.Duration("elapsed", e.Elapsed), slog.Duration("next", e.Wait))
	}
	if e.Err != nil {
		attrs = append(attrs, slog.String("error", e.Err.Error()))
	}
	p.opts.Logger.LogAttrs(ctx, slog.LevelInfo, "serviceaccount: "+string(e.Kind)+": "+e.Message, attrs...)
	if p.opts.OnEvent != nil {
		p.opts.OnEvent(e)
	}
}
