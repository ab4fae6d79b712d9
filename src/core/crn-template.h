/* crn-template.h: a GP's weekly SNP declaration ("what I offer") and its expansion into slots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "crn-types.h"

G_BEGIN_DECLS

#define CRN_TYPE_TEMPLATE (crn_template_get_type ())

/**
 * CrnTemplateBlock:
 *
 * A recurring weekly block, in Europe/Paris wall-clock time: "Tuesday and Thursday
 * 14:00–16:00, 20-minute slots". The block is cut either in slots of @slot_minutes (a
 * trailing remainder shorter than a slot is not offered), or shared out between @n_patients
 * slots on whole minutes that cover the whole block ("18:00–18:45, 4 patients": 18:00, 18:11,
 * 18:22, 18:33, the last one 12 minutes long). Exactly one of the two is non-zero.
 */
struct _CrnTemplateBlock
{
  char           *id;               /* stable UUID: FHIR availabilityTime identifier */
  guint8          weekdays;         /* CRN_WEEKDAY_BIT (G_DATE_MONDAY) | … */
  guint16         start_minute;     /* minutes since local midnight */
  guint16         end_minute;       /* > start_minute */
  guint16         slot_minutes;     /* length of one slot, or 0 */
  guint16         n_patients;       /* number of slots in the block, or 0 */
  guint16         months;           /* bit (m - 1) for month m; 0 = every month */
  CrnModality     modalities;
  CrnVisibility   visibility;
  CrnRestriction  restriction;
  char           *restriction_text;
  GDate           valid_from;       /* first local date it applies; invalid GDate = open */
  GDate           valid_until;      /* last local date (inclusive); invalid GDate = open */
};

/**
 * CrnTemplateException:
 *
 * An absence (holiday, training: the slots that overlap it are not offered) or a one-off
 * extra block (offered once, cut like a block).
 */
struct _CrnTemplateException
{
  char             *id;             /* stable UUID */
  CrnExceptionKind  kind;
  CrnInstant        start;          /* UTC */
  CrnInstant        end;            /* UTC, > start */
  char             *reason;         /* "Congés annuels"; may be NULL */
  /* For CRN_EXCEPTION_EXTRA only: */
  guint16           slot_minutes;
  guint16           n_patients;
  CrnModality       modalities;
  CrnVisibility     visibility;
  CrnRestriction    restriction;
  char             *restriction_text;
};

struct _CrnTemplate
{
  char       *id;                   /* stable UUID (one template per GP and place) */
  char       *practitioner;         /* IDNPS */
  char       *place_id;
  GPtrArray  *blocks;               /* (element-type CrnTemplateBlock) owned */
  GPtrArray  *exceptions;           /* (element-type CrnTemplateException) owned */
  gint64      version;
  gint64      last_updated_ms;
};

CrnTemplateBlock     *crn_template_block_new       (void);
CrnTemplateBlock     *crn_template_block_copy      (const CrnTemplateBlock *block);
void                  crn_template_block_free      (CrnTemplateBlock *block);
gboolean              crn_template_block_equal     (const CrnTemplateBlock *a,
                                                    const CrnTemplateBlock *b);
/* Well-formed: weekdays, start < end, one of slot_minutes / n_patients, at least one slot
 * fits, a modality, valid_from <= valid_until. Does not check SNP hours (see CrnPolicy). */
gboolean              crn_template_block_validate  (const CrnTemplateBlock *block,
                                                    GError                **error);
/* Number of slots one occurrence yields, and their length in minutes. */
guint                 crn_template_block_get_n_slots      (const CrnTemplateBlock *block);
guint                 crn_template_block_get_slot_minutes (const CrnTemplateBlock *block);
/* "Mon, Tue, Thu 14:00–15:00 · 20 min" (translated), for lists and logs-free UI. */
char                 *crn_template_block_describe  (const CrnTemplateBlock *block);

CrnTemplateException *crn_template_exception_new   (void);
CrnTemplateException *crn_template_exception_copy  (const CrnTemplateException *exception);
void                  crn_template_exception_free  (CrnTemplateException *exception);
gboolean              crn_template_exception_equal (const CrnTemplateException *a,
                                                    const CrnTemplateException *b);
gboolean              crn_template_exception_validate (const CrnTemplateException *exception,
                                                       GError                    **error);

GType                 crn_template_get_type        (void) G_GNUC_CONST;
CrnTemplate          *crn_template_new             (const char  *practitioner,
                                                    const char  *place_id);
CrnTemplate          *crn_template_copy            (const CrnTemplate *self);
void                  crn_template_free            (CrnTemplate *self);
/* Every field equal, blocks and exceptions compared in order. */
gboolean              crn_template_equal           (const CrnTemplate *a,
                                                    const CrnTemplate *b);
/* Takes ownership. */
void                  crn_template_add_block       (CrnTemplate      *self,
                                                    CrnTemplateBlock *block);
void                  crn_template_add_exception   (CrnTemplate          *self,
                                                    CrnTemplateException *exception);
/* All blocks and exceptions valid, and no two blocks overlap on a day they share. */
gboolean              crn_template_validate        (const CrnTemplate *self,
                                                    GError           **error);

/**
 * crn_template_expand:
 * @self: a template
 * @from: first local date (inclusive)
 * @to: last local date (inclusive)
 *
 * Expands the template into concrete slots for every local date in [@from, @to], in
 * Europe/Paris and correct across DST changes. Slots overlapping an absence are left out;
 * extra blocks starting in the range are added. Each slot id is crn_uuid_from_name() of
 * "block id/local start" so that expanding twice gives the same ids. Status is FREE.
 *
 * Returns: (transfer full) (element-type CrnSlot): slots sorted by start.
 */
GPtrArray            *crn_template_expand          (const CrnTemplate *self,
                                                    const GDate       *from,
                                                    const GDate       *to);

/* Minutes visible to regulation (SNP or CPTS label) in the ISO week containing @day. */
guint                 crn_template_regulation_minutes_in_week (const CrnTemplate *self,
                                                               const GDate       *day);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnTemplateBlock, crn_template_block_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnTemplateException, crn_template_exception_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CrnTemplate, crn_template_free)

G_END_DECLS
