/* crn-store-job-private.h: how CrnStore's calls become jobs on its worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "crn-store.h"
#include "crn-store-private.h"

G_BEGIN_DECLS

/* The arguments of one call, copied on the caller's thread, and its extra outputs. */
typedef struct
{
  char           *str;
  char           *str2;
  char          **strv;
  GPtrArray      *array;
  gpointer        object;
  GDestroyNotify  object_free;
  CrnOutboxEntry *entry;
  gint64          i1;
  gint64          i2;
  GDate           date;
  /* outputs */
  guint           out1;
  guint           out2;
  gint64          out_version;
  gboolean        out_flag;
  CrnFigures      figures;
} CrnStoreJobArgs;

/* Returns a pointer result (freed with the job's free function), or for a job without
 * one GINT_TO_POINTER (TRUE); NULL with @error set on failure. */
typedef gpointer (*CrnStoreJobFunc) (CrnStoreDb       *db,
                                     CrnStoreJobArgs  *args,
                                     GError          **error);

typedef gpointer (*CrnStoreCopyFunc) (gconstpointer item);

void              _crn_store_run_job    (CrnStore            *self,
                                         gpointer             source_tag,
                                         CrnStoreJobArgs     *args,
                                         CrnStoreJobFunc      func,
                                         GDestroyNotify       result_free,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
CrnStoreJobArgs  *_crn_store_args_new   (void);
CrnStoreJobArgs  *_crn_store_task_args  (GAsyncResult        *result);
GPtrArray        *_crn_store_copy_array (GPtrArray           *array,
                                         CrnStoreCopyFunc     copy,
                                         GDestroyNotify       free_func);

#define FINISH_CHECK(self, result, tag, ret) \
  G_STMT_START { \
    g_return_val_if_fail (CRN_IS_STORE (self), ret); \
    g_return_val_if_fail (g_task_is_valid (result, self), ret); \
    g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == (tag), ret); \
  } G_STMT_END

G_END_DECLS
