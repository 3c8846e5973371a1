/*
 * filing-json.c - the filing record as a json-c object.
 */
#include <stdlib.h>

#include <f8k/f8k_filing_json.h>

const char *f8k_source_name(f8k_source_t source)
{
    switch (source) {
    case F8K_SOURCE_HEADER:
        return "header";
    case F8K_SOURCE_BODY:
        return "body";
    case F8K_SOURCE_COVER:
        return "cover";
    case F8K_SOURCE_META:
        return "meta";
    case F8K_SOURCE_NONE:
    default:
        return NULL;
    }
}

/* A string or JSON null; *FAILED set when allocation fails. */
static json_object *string_or_null(const char *s, int *failed)
{
    json_object *obj = NULL;

    if (s == NULL)
        return NULL;
    obj = json_object_new_string(s);
    if (obj == NULL)
        *failed = 1;
    return obj;
}

/* Add KEY: VALUE to OBJ; a NULL value is a JSON null, not a failure. */
static void put(json_object *obj, const char *key, json_object *value, int *failed)
{
    if (json_object_object_add(obj, key, value) != 0) {
        json_object_put(value);
        *failed = 1;
    }
}

static void append(json_object *arr, json_object *value, int *failed)
{
    if (value == NULL || json_object_array_add(arr, value) != 0) {
        json_object_put(value);
        *failed = 1;
    }
}

static json_object *new_array(int *failed)
{
    json_object *arr = json_object_new_array();

    if (arr == NULL)
        *failed = 1;
    return arr;
}

static json_object *items_json(const f8k_filing_t *f, int *failed)
{
    json_object *arr = new_array(failed);

    for (size_t i = 0; arr != NULL && i < f->n_items && !*failed; i++) {
        const f8k_item_t *item = &f->items[i];
        json_object *obj = json_object_new_object();
        if (obj == NULL) {
            *failed = 1;
            break;
        }
        put(obj, "number", string_or_null(item->number, failed), failed);
        put(obj, "modern", string_or_null(item->modern, failed), failed);
        put(obj, "title", string_or_null(item->title, failed), failed);
        put(obj, "source", string_or_null(f8k_source_name(item->source), failed), failed);
        append(arr, obj, failed);
    }
    return arr;
}

static json_object *officers_json(const f8k_filing_t *f, int *failed)
{
    json_object *arr = new_array(failed);

    for (size_t i = 0; arr != NULL && i < f->n_officers && !*failed; i++) {
        const f8k_officer_t *off = &f->officers[i];
        json_object *obj = json_object_new_object();
        if (obj == NULL) {
            *failed = 1;
            break;
        }
        put(obj, "name", string_or_null(off->name, failed), failed);
        put(obj, "role", string_or_null(off->role, failed), failed);
        put(obj, "event", string_or_null(f8k_officer_event_name(off->event), failed), failed);
        append(arr, obj, failed);
    }
    return arr;
}

static json_object *documents_json(const f8k_filing_t *f, int *failed)
{
    json_object *arr = new_array(failed);

    for (size_t i = 0; arr != NULL && i < f->n_documents && !*failed; i++) {
        const f8k_document_t *doc = &f->documents[i];
        json_object *obj = json_object_new_object();
        json_object *seq = NULL;
        json_object *bytes = NULL;
        if (obj == NULL) {
            *failed = 1;
            break;
        }
        put(obj, "type", string_or_null(doc->type, failed), failed);
        if (doc->sequence > 0) {
            seq = json_object_new_int(doc->sequence);
            if (seq == NULL)
                *failed = 1;
        }
        put(obj, "sequence", seq, failed);
        put(obj, "description", string_or_null(doc->description, failed), failed);
        bytes = json_object_new_int64((int64_t)doc->text_len);
        if (bytes == NULL)
            *failed = 1;
        put(obj, "bytes", bytes, failed);
        append(arr, obj, failed);
    }
    return arr;
}

f8k_status_t f8k_filing_to_json(const f8k_filing_t *filing, json_object **json_out)
{
    json_object *obj = NULL;
    json_object *names = NULL;
    int failed = 0;

    if (json_out != NULL)
        *json_out = NULL;
    if (filing == NULL || json_out == NULL)
        return F8K_STATUS_INVALID_ARG;
    obj = json_object_new_object();
    if (obj == NULL)
        return F8K_STATUS_NOMEM;
    put(obj, "path", string_or_null(filing->path, &failed), &failed);
    put(obj, "accession", string_or_null(filing->accession, &failed), &failed);
    put(obj, "cik", string_or_null(filing->cik, &failed), &failed);
    put(obj, "company", string_or_null(filing->company, &failed), &failed);
    names = new_array(&failed);
    for (size_t i = 0; names != NULL && i < filing->n_former_names; i++)
        append(names, string_or_null(filing->former_names[i], &failed), &failed);
    put(obj, "former_names", names, &failed);
    put(obj, "form", string_or_null(filing->form, &failed), &failed);
    put(obj, "filed", string_or_null(filing->filed, &failed), &failed);
    put(obj, "date_of_report", string_or_null(filing->date_of_report, &failed), &failed);
    put(obj, "state", string_or_null(filing->state, &failed), &failed);
    put(obj, "sic", string_or_null(filing->sic, &failed), &failed);
    put(obj, "items", items_json(filing, &failed), &failed);
    put(obj, "officers", officers_json(filing, &failed), &failed);
    put(obj, "documents", documents_json(filing, &failed), &failed);
    if (failed) {
        json_object_put(obj);
        return F8K_STATUS_NOMEM;
    }
    *json_out = obj;
    return F8K_STATUS_SUCCESS;
}
