package registration

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gotong/gotong/app/activities"
	"github.com/gotong/gotong/app/apperr"
	"github.com/gotong/gotong/app/database"
	"github.com/gotong/gotong/app/outbox"
	"github.com/gotong/gotong/app/submissions"
	"gorm.io/gorm"
)

// Submit takes a public registration form (the HTML form, the API without
// a token): it places nothing. It refuses what it can tell from the form
// and the activity alone, none of which depends on who owns the email: a
// field (422), an activity not open (409 with the reason), an age outside
// the range (422 birth_year), a guardian missing or wrong (422 guardian). Otherwise it emails the address one link: to
// the page that places the registration (registration.verify), or, when the
// address already holds a live registration here, to its manage page
// (registration.known). Either way it answers nil, through the same queries,
// so that nothing tells whose address it was. The limit of notices per
// email (app/formlimit) holds, silently.
func (s *Service) Submit(ctx context.Context, a *activities.Activity, in Request) error {
	p, err := s.prepare(a, in)
	if err != nil {
		return err
	}
	in = p.in
	now := s.now()
	if ok, reason := a.RegistrationOpen(now); !ok {
		return apperr.New(apperr.Conflict, reason)
	}
	if !a.AgeAllowed(in.Person.BirthYear) {
		return apperr.Fields{"birth_year": ageRangeMsg(a)}.Err()
	}
	if err := s.checkGuardian(a, &in); err != nil {
		return err
	}
	f := &submitted{a: a, in: in}
	queueOf(s.forms, f.a.ID).run(ctx, f)
	return f.err
}

// submitted is a public form waiting for its batch: the forms that arrive
// while a batch is sent go together in the next one (a combiner), in one
// transaction.
type submitted struct {
	a        *activities.Activity
	in       Request
	err      error
	answered bool // err is final; read and written only by the leader
}

// abandon answers a form whose batch panicked before it was sent.
func (f *submitted) abandon(r any) {
	if !f.answered {
		f.err, f.answered = fmt.Errorf("registration: panic while sending a form: %v", r), true
	}
}

// submitBatch sends a batch of forms in one transaction and answers each.
// If the transaction fails, each form is sent again on its own, so that
// one cannot fail the others; unless the database is away, which fails
// them all alike (as in registerBatch).
func (s *Service) submitBatch(ctx context.Context, batch []*submitted) {
	err := database.RetryTx(ctx, s.db, func(tx *gorm.DB) error { return s.sendForms(tx, batch, s.now()) })
	if err != nil && len(batch) > 1 && !database.Lost(err) {
		for _, f := range batch {
			s.submitBatch(ctx, []*submitted{f})
		}
		return
	}
	for _, f := range batch {
		f.err, f.answered = err, true
	}
}

// sendForms writes, within tx, each form's submission, or a manage link
// when its address already holds a live registration of its activity, and
// queues the emails that carry them: one statement of each kind for the
// whole batch, whoever owns the addresses.
func (s *Service) sendForms(tx *gorm.DB, batch []*submitted, now time.Time) error {
	var emails []string
	var ids []int64
	for _, f := range batch {
		emails = append(emails, f.in.Person.Email)
		ids = append(ids, f.a.ID)
	}
	// Two indexed lookups, the people by email and then their live
	// registrations, rather than one join, which PostgreSQL planned as a
	// scan of every person while the table grew fast (a camp opening on the
	// radio). Both run whoever owns the addresses. Either may find more
	// than was asked for; each form takes its own.
	var known []struct {
		ID        int64
		Email     string
		GivenName string
	}
	if err := tx.Table("people").Select("id, email, given_name").Where("email IN ?", emails).
		Scan(&known).Error; err != nil {
		return fmt.Errorf("registration: unable to find people: %w", err)
	}
	personIDs := []int64{0} // no person: the lookup below runs all the same
	byID := make(map[int64]int, len(known))
	for i, p := range known {
		personIDs = append(personIDs, p.ID)
		byID[p.ID] = i
	}
	var regs []Registration
	if err := tx.Where("person_id IN ? AND activity_id IN ? AND status <> ?", personIDs, ids, string(Cancelled)).
		Find(&regs).Error; err != nil {
		return fmt.Errorf("registration: unable to find registrations: %w", err)
	}
	type heldBy struct {
		Registration
		GivenName   string
		PersonEmail string
	}
	found := make([]heldBy, len(regs))
	for i, r := range regs {
		p := known[byID[*r.PersonID]]
		found[i] = heldBy{Registration: r, GivenName: p.GivenName, PersonEmail: p.Email}
	}
	type pair struct {
		email string
		id    int64
	}
	held := make(map[pair]int, len(found))
	for i, r := range found {
		held[pair{r.PersonEmail, r.ActivityID}] = i
	}

	mail := make([]letter, len(batch))
	var made []Link
	var forms []submissions.Form
	var fresh []int // the mail that carries a form's link
	for i, f := range batch {
		in := f.in
		mail[i] = letter{kind: kindVerify, a: f.a, to: in.Person.Email, name: in.Person.GivenName, locale: in.Person.Locale}
		if j, ok := held[pair{in.Person.Email, f.a.ID}]; ok {
			token, link := newLink(found[j].ID, LinkManage, now)
			made = append(made, link)
			mail[i].kind, mail[i].r, mail[i].name, mail[i].url = kindKnown, &found[j].Registration, found[j].GivenName, s.manageURL(token)
			continue
		}
		forms = append(forms, submissions.Form{TargetID: f.a.ID, Value: in, Locale: in.Person.Locale})
		fresh = append(fresh, i)
	}
	if len(made) > 0 {
		if err := tx.Create(&made).Error; err != nil {
			return fmt.Errorf("registration: unable to create links: %w", err)
		}
	}
	tokens, err := s.subs.CreateAll(tx, submissions.KindRegistration, forms)
	if err != nil {
		return err
	}
	for k, i := range fresh {
		mail[i].url = s.baseURL + "/v/" + tokens[k]
	}
	var notices []outbox.Message
	for _, lt := range mail {
		m, ok, err := s.notice(tx, lt)
		if err != nil {
			return err
		}
		if ok {
			notices = append(notices, m)
		}
	}
	if len(notices) == 0 {
		return nil // nobody to write to
	}
	return s.enqueueLimited(tx, notices, now)
}

// Pending is what the page of a form's link shows before the tap.
type Pending struct {
	Activity  *activities.Activity // with its texts
	GivenName string               // as the form gave it
	Used      bool                 // a tap placed it already
	Locale    string               // the form's, in which its email was written
}

// Pending reads the form behind token (GET /v/{token}); opening the link
// changes nothing, since mail scanners open links by themselves. An
// unknown, expired or other kind of token is submissions.ErrLinkExpired.
func (s *Service) Pending(ctx context.Context, token string) (*Pending, error) {
	sub, in, a, err := s.submitted(ctx, token)
	if err != nil {
		return nil, err
	}
	return &Pending{Activity: a, GivenName: in.Person.GivenName, Used: sub.UsedAt != nil, Locale: sub.Locale}, nil
}

// Confirmation is what the tap on a form's link did (the contract's "Confirmed":
// that name is the status).
type Confirmation struct {
	Placed // with its ManageToken; empty when Again
	// Again is set when the tap placed nothing: the form was placed by
	// an earlier tap, or its person holds a live registration already.
	// Their manage link went to their email instead.
	Again bool
}

// Confirm is the tap on a form's link (POST /v/{token}): it places the
// registration through the same batches as Register, so seats go in the
// order of taps. The form is claimed under the activity's lock, so of two
// taps of one link, on any nodes, one places it and the other is Again. An
// unknown or expired token is submissions.ErrLinkExpired; an activity
// closed meanwhile is a conflict with the reason.
func (s *Service) Confirm(ctx context.Context, token string) (*Confirmation, error) {
	sub, in, a, err := s.submitted(ctx, token)
	if err != nil {
		return nil, err
	}
	p, err := s.prepare(a, in)
	if err != nil {
		return nil, err
	}
	p.sub = sub.ID
	queueOf(s.regs, p.a.ID).run(ctx, p)
	switch {
	case p.err != nil:
		return nil, p.err
	case p.again:
		return &Confirmation{Again: true}, nil
	}
	return &Confirmation{Placed: *p.out}, nil
}

// submitted reads the registration form behind token, with its activity
// and texts (shared: read only). The links tapped while a read runs are
// read together in the next one (lookups): in a rush every tap reads its
// form first, and one query for those waiting costs the database and each
// tap less than a query each.
func (s *Service) submitted(ctx context.Context, token string) (*submissions.Submission, Request, *activities.Activity, error) {
	var in Request
	l := &lookup{token: token}
	s.lookups.run(ctx, l)
	if l.err != nil {
		return nil, in, nil, l.err
	}
	sub := l.sub
	if err := s.subs.Form(sub, &in); err != nil {
		return nil, in, nil, err
	}
	a, err := s.acts.ByID(ctx, sub.TargetID)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, in, nil, submissions.ErrLinkExpired
	}
	if err != nil {
		return nil, in, nil, fmt.Errorf("registration: unable to read activity %d: %w", sub.TargetID, err)
	}
	return sub, in, a, nil
}

// lookup is a link's token waiting for its submission to be read.
type lookup struct {
	token    string
	sub      *submissions.Submission
	err      error
	answered bool // read and written only by the leader
}

// abandon answers a lookup whose batch panicked.
func (l *lookup) abandon(r any) {
	if !l.answered {
		l.err, l.answered = fmt.Errorf("registration: panic while reading a link: %v", r), true
	}
}

// lookupBatch reads the submissions of a batch of links in one query; a
// link not found is submissions.ErrLinkExpired.
func (s *Service) lookupBatch(ctx context.Context, batch []*lookup) {
	tokens := make([]string, len(batch))
	for i, l := range batch {
		tokens[i] = l.token
	}
	found, err := s.subs.FindAll(ctx, submissions.KindRegistration, tokens)
	for _, l := range batch {
		switch sub, ok := found[l.token]; {
		case err != nil:
			l.err = err
		case !ok:
			l.err = submissions.ErrLinkExpired
		default:
			l.sub = sub
		}
		l.answered = true
	}
}
