/* test-availability.c: the weekly template editor, its preview and the Avenant 9 check
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "crn-availability-page.h"
#include "crn-block-dialog.h"
#include "crn-exception-dialog.h"
#include "crn-test-fixtures.h"

typedef struct
{
  CrnAgenda           *agenda;
  GtkWindow           *window;
  CrnAvailabilityPage *page;
  guint                n_saved;
  CrnTemplate         *last_saved;
} Fixture;

static void
on_template_saved_cb (CrnAgenda         *agenda,
                      const CrnTemplate *template,
                      Fixture           *fixture)
{
  fixture->n_saved++;
  g_clear_pointer (&fixture->last_saved, crn_template_free);
  fixture->last_saved = crn_template_copy (template);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(CrnPractitioner) practitioner = crn_practitioner_new ();

  /* Tuesday 1 December 2026, 13:10 in Paris. */
  crn_time_set_now_for_testing (crn_test_instant (2026, 12, 1, 13 * 60 + 10));

  fixture->agenda = crn_agenda_new ();
  practitioner->idnps = g_strdup (CRN_TEST_PRACTITIONER);
  practitioner->given = g_strdup ("Claire");
  practitioner->family = g_strdup ("Martin");
  crn_agenda_add_practitioner (fixture->agenda, practitioner);
  g_signal_connect (fixture->agenda, "template-saved", G_CALLBACK (on_template_saved_cb), fixture);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 900, 800);
  fixture->page = CRN_AVAILABILITY_PAGE (crn_availability_page_new ());
  crn_availability_page_set_agenda (fixture->page, fixture->agenda);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->page));
  gtk_window_present (fixture->window);
  crn_test_wait_mapped (GTK_WIDGET (fixture->page));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  crn_test_iterate ();
  g_clear_pointer (&fixture->last_saved, crn_template_free);
  g_clear_object (&fixture->agenda);
  crn_time_set_now_for_testing (0);
}

static CrnTemplateBlock *
new_block (guint8 weekdays,
           guint  start_minute,
           guint  end_minute,
           guint  slot_minutes)
{
  CrnTemplateBlock *block = crn_template_block_new ();

  block->id = crn_uuid_new ();
  block->weekdays = weekdays;
  block->start_minute = start_minute;
  block->end_minute = end_minute;
  block->slot_minutes = slot_minutes;
  block->visibility = CRN_VISIBILITY_SNP | CRN_VISIBILITY_CPTS;
  return block;
}

static guint
count_preview_on (CrnAvailabilityPage *page,
                  int                  month,
                  int                  day)
{
  GPtrArray *preview = crn_availability_page_get_preview (page);
  guint n = 0;

  for (guint i = 0; preview != NULL && i < preview->len; i++)
    {
      const CrnSlot *slot = g_ptr_array_index (preview, i);
      GDate date;

      crn_time_to_local (slot->start, &date, NULL, NULL);
      if ((int) g_date_get_month (&date) == month && (int) g_date_get_day (&date) == day)
        n++;
    }
  return n;
}

static void
test_availability_empty (Fixture       *fixture,
                         gconstpointer  data)
{
  const CrnTemplate *template = crn_availability_page_get_template (fixture->page);

  g_assert_nonnull (template);
  g_assert_cmpstr (template->practitioner, ==, CRN_TEST_PRACTITIONER);
  g_assert_cmpuint (template->blocks->len, ==, 0);
  g_assert_cmpuint (crn_availability_page_get_preview (fixture->page)->len, ==, 0);
  g_assert_false (crn_availability_page_get_level1_met (fixture->page));
  g_assert_cmpstr (crn_availability_page_get_avenant_text (fixture->page), ==,
                   "0 h 00 visible to regulation this week — level 1 not met (2 h 00 missing)");
  g_assert_false (crn_availability_page_get_dirty (fixture->page));
}

static void
test_availability_add_block_preview (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(CrnTemplateBlock) block = new_block (CRN_WEEKDAY_BIT (G_DATE_TUESDAY), 14 * 60, 16 * 60, 20);
  g_autoptr(GError) error = NULL;

  g_assert_true (crn_availability_page_add_block (fixture->page, block, &error));
  g_assert_no_error (error);
  g_assert_true (crn_availability_page_get_dirty (fixture->page));

  /* Six 20-minute slots every Tuesday of the four weeks shown (from Monday 30 November). */
  g_assert_cmpuint (crn_availability_page_get_preview (fixture->page)->len, ==, 24);
  g_assert_cmpuint (count_preview_on (fixture->page, 12, 1), ==, 6);
  g_assert_cmpuint (count_preview_on (fixture->page, 12, 22), ==, 6);
  g_assert_true (crn_availability_page_get_level1_met (fixture->page));
  g_assert_cmpstr (crn_availability_page_get_avenant_text (fixture->page), ==,
                   "2 h 00 visible to regulation this week — level 1 met");

  /* A block kept for own patients adds slots but not regulation time. */
  block->id = (g_free (block->id), crn_uuid_new ());
  block->weekdays = CRN_WEEKDAY_BIT (G_DATE_THURSDAY);
  block->visibility = CRN_VISIBILITY_NONE;
  g_assert_true (crn_availability_page_add_block (fixture->page, block, &error));
  g_assert_cmpuint (crn_availability_page_get_preview (fixture->page)->len, ==, 48);
  g_assert_cmpstr (crn_availability_page_get_avenant_text (fixture->page), ==,
                   "2 h 00 visible to regulation this week — level 1 met");
}

static void
test_availability_overlap_refused (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(CrnTemplateBlock) block = new_block (CRN_WEEKDAY_BIT (G_DATE_TUESDAY), 14 * 60, 16 * 60, 20);
  g_autoptr(CrnTemplateBlock) overlapping = new_block (CRN_WEEKDAY_BIT (G_DATE_TUESDAY) |
                                                       CRN_WEEKDAY_BIT (G_DATE_FRIDAY),
                                                       15 * 60, 17 * 60, 15);
  g_autoptr(GError) error = NULL;

  g_assert_true (crn_availability_page_add_block (fixture->page, block, NULL));
  g_assert_false (crn_availability_page_add_block (fixture->page, overlapping, &error));
  g_assert_error (error, CRN_CORE_ERROR, CRN_CORE_ERROR_OVERLAP);
  g_assert_cmpuint (crn_availability_page_get_template (fixture->page)->blocks->len, ==, 1);
  g_assert_null (crn_availability_page_get_error_text (fixture->page));
}

static void
test_availability_dialog_refuses_outside_hours (Fixture       *fixture,
                                                gconstpointer  data)
{
  g_autoptr(CrnTemplateBlock) saturday = new_block (CRN_WEEKDAY_BIT (G_DATE_SATURDAY), 11 * 60, 13 * 60, 30);
  g_autoptr(CrnTemplateBlock) friday = new_block (CRN_WEEKDAY_BIT (G_DATE_FRIDAY), 16 * 60, 18 * 60, 20);
  g_autoptr(GError) expected = NULL;
  g_autoptr(CrnPolicy) policy = crn_policy_new_default ();
  CrnBlockDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "availability.add-block", NULL));
  dialog = CRN_BLOCK_DIALOG (crn_availability_page_get_dialog (fixture->page));
  g_assert_nonnull (dialog);
  /* The dialog opens on a valid block. */
  g_assert_null (crn_block_dialog_get_error_text (dialog));

  /* Saturday 11:00–13:00 ends after the SNP hours: the rule's own words are shown. */
  crn_block_dialog_set_block (dialog, saturday);
  g_assert_false (crn_policy_check_block (policy, G_DATE_SATURDAY, 11 * 60, 13 * 60, &expected));
  g_assert_cmpstr (crn_block_dialog_get_error_text (dialog), ==, expected->message);
  g_assert_nonnull (strstr (crn_block_dialog_get_error_text (dialog), "12:00"));
  g_assert_false (crn_block_dialog_save (dialog));
  g_assert_cmpuint (crn_availability_page_get_template (fixture->page)->blocks->len, ==, 0);
  g_assert_true (crn_availability_page_get_dialog (fixture->page) == GTK_WINDOW (dialog));

  /* Friday 16:00–18:00 is fine: saved into the template, the dialog closes. */
  crn_block_dialog_set_block (dialog, friday);
  g_assert_null (crn_block_dialog_get_error_text (dialog));
  g_assert_true (crn_block_dialog_save (dialog));
  crn_test_iterate ();
  g_assert_null (crn_availability_page_get_dialog (fixture->page));
  g_assert_cmpuint (crn_availability_page_get_template (fixture->page)->blocks->len, ==, 1);
  g_assert_cmpuint (count_preview_on (fixture->page, 12, 4), ==, 6);
  g_assert_true (crn_availability_page_get_level1_met (fixture->page));
}

static void
test_availability_dialog_reports_overlap (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(CrnTemplateBlock) block = new_block (CRN_WEEKDAY_BIT (G_DATE_TUESDAY), 14 * 60, 16 * 60, 20);
  g_autoptr(CrnTemplateBlock) overlapping = new_block (CRN_WEEKDAY_BIT (G_DATE_TUESDAY), 15 * 60, 17 * 60, 20);
  CrnBlockDialog *dialog;

  g_assert_true (crn_availability_page_add_block (fixture->page, block, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "availability.add-block", NULL));
  dialog = CRN_BLOCK_DIALOG (crn_availability_page_get_dialog (fixture->page));
  crn_block_dialog_set_block (dialog, overlapping);

  /* Fine on its own, refused by the template: the dialog stays open with the reason. */
  g_assert_null (crn_block_dialog_get_error_text (dialog));
  g_assert_false (crn_block_dialog_save (dialog));
  g_assert_nonnull (crn_block_dialog_get_error_text (dialog));
  g_assert_true (crn_availability_page_get_dialog (fixture->page) == GTK_WINDOW (dialog));
  gtk_window_close (GTK_WINDOW (dialog));
}

static void
test_availability_edit_and_remove (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(CrnTemplateBlock) block = new_block (CRN_WEEKDAY_BIT (G_DATE_TUESDAY), 14 * 60, 16 * 60, 20);
  g_autoptr(CrnTemplateBlock) edited = NULL;
  CrnBlockDialog *dialog;

  g_assert_true (crn_availability_page_add_block (fixture->page, block, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "availability.edit-block",
                                             "s", block->id));
  dialog = CRN_BLOCK_DIALOG (crn_availability_page_get_dialog (fixture->page));
  edited = crn_block_dialog_dup_block (dialog);
  g_assert_cmpstr (edited->id, ==, block->id);
  g_assert_cmpuint (edited->start_minute, ==, 14 * 60);
  g_assert_cmpuint (edited->slot_minutes, ==, 20);

  /* Three patients instead of 20-minute slots. */
  edited->slot_minutes = 0;
  edited->n_patients = 3;
  crn_block_dialog_set_block (dialog, edited);
  g_assert_true (crn_block_dialog_save (dialog));
  crn_test_iterate ();
  g_assert_cmpuint (crn_availability_page_get_template (fixture->page)->blocks->len, ==, 1);
  g_assert_cmpuint (count_preview_on (fixture->page, 12, 1), ==, 3);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "availability.remove-block",
                                             "s", block->id));
  g_assert_cmpuint (crn_availability_page_get_template (fixture->page)->blocks->len, ==, 0);
  g_assert_cmpuint (crn_availability_page_get_preview (fixture->page)->len, ==, 0);
}

static void
test_availability_absence_and_extra (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(CrnTemplateBlock) block = new_block (CRN_WEEKDAY_BIT (G_DATE_TUESDAY), 14 * 60, 16 * 60, 20);
  CrnExceptionDialog *dialog;

  g_assert_true (crn_availability_page_add_block (fixture->page, block, NULL));

  /* An absence from Monday 7 to Wednesday 9 December removes Tuesday the 8th. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "availability.add-absence", NULL));
  dialog = CRN_EXCEPTION_DIALOG (crn_availability_page_get_dialog (fixture->page));
  crn_exception_dialog_set_fields (dialog, "2026-12-07", "2026-12-09", 0, 0, "Formation continue");
  g_assert_null (crn_exception_dialog_get_error_text (dialog));
  g_assert_true (crn_exception_dialog_save (dialog));
  crn_test_iterate ();
  g_assert_cmpuint (count_preview_on (fixture->page, 12, 8), ==, 0);
  g_assert_cmpuint (count_preview_on (fixture->page, 12, 15), ==, 6);
  g_assert_cmpuint (crn_availability_page_get_template (fixture->page)->exceptions->len, ==, 1);

  /* An extra block on Saturday afternoon is refused with the rule's words… */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "availability.add-extra", NULL));
  dialog = CRN_EXCEPTION_DIALOG (crn_availability_page_get_dialog (fixture->page));
  crn_exception_dialog_set_fields (dialog, "2026-12-12", NULL, 14 * 60, 15 * 60, NULL);
  g_assert_nonnull (crn_exception_dialog_get_error_text (dialog));
  g_assert_nonnull (strstr (crn_exception_dialog_get_error_text (dialog), "Saturday"));
  g_assert_false (crn_exception_dialog_save (dialog));

  /* …and accepted in the morning: 09:00–10:00 in 20-minute slots. */
  crn_exception_dialog_set_fields (dialog, "2026-12-12", NULL, 9 * 60, 10 * 60, NULL);
  g_assert_null (crn_exception_dialog_get_error_text (dialog));
  g_assert_true (crn_exception_dialog_save (dialog));
  crn_test_iterate ();
  g_assert_cmpuint (count_preview_on (fixture->page, 12, 12), ==, 3);

  /* Removing the absence brings Tuesday the 8th back. */
  g_assert_true (crn_availability_page_remove_exception (fixture->page,
                                                         ((CrnTemplateException *) g_ptr_array_index (crn_availability_page_get_template (fixture->page)->exceptions, 0))->id));
  g_assert_cmpuint (count_preview_on (fixture->page, 12, 8), ==, 6);
}

static void
test_availability_save_and_revert (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(CrnTemplateBlock) block = new_block (CRN_WEEKDAY_BIT (G_DATE_WEDNESDAY), 9 * 60, 12 * 60, 30);
  g_autoptr(CrnTemplateBlock) other = new_block (CRN_WEEKDAY_BIT (G_DATE_MONDAY), 18 * 60, 19 * 60, 15);

  g_assert_true (crn_availability_page_add_block (fixture->page, block, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "availability.save", NULL));
  g_assert_cmpuint (fixture->n_saved, ==, 1);
  g_assert_nonnull (fixture->last_saved);
  g_assert_cmpuint (fixture->last_saved->blocks->len, ==, 1);
  g_assert_false (crn_availability_page_get_dirty (fixture->page));
  g_assert_nonnull (crn_agenda_get_template (fixture->agenda, CRN_TEST_PRACTITIONER));

  /* Nothing to save: the action does nothing. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->page), "availability.save", NULL);
  g_assert_cmpuint (fixture->n_saved, ==, 1);

  /* Discarding goes back to what was saved. */
  g_assert_true (crn_availability_page_add_block (fixture->page, other, NULL));
  g_assert_cmpuint (crn_availability_page_get_template (fixture->page)->blocks->len, ==, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "availability.revert", NULL));
  g_assert_cmpuint (crn_availability_page_get_template (fixture->page)->blocks->len, ==, 1);
  g_assert_false (crn_availability_page_get_dirty (fixture->page));
  g_assert_cmpuint (fixture->n_saved, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  crn_test_init (&argc, &argv);

  g_test_add ("/app/availability/empty", Fixture, NULL,
              fixture_set_up, test_availability_empty, fixture_tear_down);
  g_test_add ("/app/availability/add-block-preview", Fixture, NULL,
              fixture_set_up, test_availability_add_block_preview, fixture_tear_down);
  g_test_add ("/app/availability/overlap-refused", Fixture, NULL,
              fixture_set_up, test_availability_overlap_refused, fixture_tear_down);
  g_test_add ("/app/availability/dialog-refuses-outside-hours", Fixture, NULL,
              fixture_set_up, test_availability_dialog_refuses_outside_hours, fixture_tear_down);
  g_test_add ("/app/availability/dialog-reports-overlap", Fixture, NULL,
              fixture_set_up, test_availability_dialog_reports_overlap, fixture_tear_down);
  g_test_add ("/app/availability/edit-and-remove", Fixture, NULL,
              fixture_set_up, test_availability_edit_and_remove, fixture_tear_down);
  g_test_add ("/app/availability/absence-and-extra", Fixture, NULL,
              fixture_set_up, test_availability_absence_and_extra, fixture_tear_down);
  g_test_add ("/app/availability/save-and-revert", Fixture, NULL,
              fixture_set_up, test_availability_save_and_revert, fixture_tear_down);

  return g_test_run ();
}
