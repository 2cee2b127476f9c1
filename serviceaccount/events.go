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
