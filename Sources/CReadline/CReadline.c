#include "CReadline.h"
#include <dlfcn.h>
#include <pthread.h>

/* The readline functions and variables boxlua uses, found once in libreadline.so.8. */
static struct {
    char *(*readline)(const char *);
    void (*using_history)(void);
    void (*stifle_history)(int);
    int (*read_history)(const char *);
    int (*append_history)(int, const char *);
    int (*history_truncate_file)(const char *, int);
    void (*add_history)(const char *);
    void (*replace_line)(const char *, int);
    char **(*completion_matches)(const char *, rl_compentry_func_t *);
    const char **readline_name;
    int *catch_signals;
    const char **completer_word_break_characters;
    rl_completion_func_t **attempted_completion_function;
    rl_getc_func_t **getc_function;
    int *attempted_completion_over;
    int *completion_append_character;
    char *history_comment_char;
    int *history_write_timestamps;
    int *history_multiline_entries;
} rl;

static const char *load_error = "libreadline was not loaded";
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define FIND(field, name) \
    if ((*(void **)&rl.field = dlsym(lib, name)) == NULL) { load_error = dlerror(); return; }

static void load(void) {
    void *lib = dlopen("libreadline.so.8", RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) { load_error = dlerror(); return; }
    FIND(readline, "readline") FIND(using_history, "using_history")
    FIND(stifle_history, "stifle_history") FIND(read_history, "read_history")
    FIND(append_history, "append_history") FIND(history_truncate_file, "history_truncate_file")
    FIND(add_history, "add_history") FIND(replace_line, "rl_replace_line")
    FIND(completion_matches, "rl_completion_matches") FIND(readline_name, "rl_readline_name")
    FIND(catch_signals, "rl_catch_signals")
    FIND(completer_word_break_characters, "rl_completer_word_break_characters")
    FIND(attempted_completion_function, "rl_attempted_completion_function")
    FIND(getc_function, "rl_getc_function") FIND(attempted_completion_over, "rl_attempted_completion_over")
    FIND(completion_append_character, "rl_completion_append_character")
    FIND(history_comment_char, "history_comment_char")
    FIND(history_write_timestamps, "history_write_timestamps")
    FIND(history_multiline_entries, "history_multiline_entries")
    load_error = NULL;
}

const char *creadline_load(void) {
    pthread_once(&once, load);
    return load_error;
}

char *creadline_readline(const char *prompt) { return rl.readline(prompt); }
void creadline_using_history(void) { rl.using_history(); }
void creadline_stifle_history(int max) { rl.stifle_history(max); }
int creadline_read_history(const char *path) { return rl.read_history(path); }
int creadline_append_history(int count, const char *path) { return rl.append_history(count, path); }
int creadline_history_truncate_file(const char *path, int lines) { return rl.history_truncate_file(path, lines); }
void creadline_add_history(const char *line) { rl.add_history(line); }
void creadline_replace_line(const char *text, int clear_undo) { rl.replace_line(text, clear_undo); }
char **creadline_completion_matches(const char *text, rl_compentry_func_t *generator) {
    return rl.completion_matches(text, generator);
}

void creadline_set_readline_name(const char *name) { *rl.readline_name = name; }
void creadline_set_catch_signals(int on) { *rl.catch_signals = on; }
void creadline_set_completer_word_break_characters(const char *characters) {
    *rl.completer_word_break_characters = characters;
}
void creadline_set_attempted_completion_function(rl_completion_func_t *function) {
    *rl.attempted_completion_function = function;
}
void creadline_set_getc_function(rl_getc_func_t *function) { *rl.getc_function = function; }
void creadline_set_attempted_completion_over(int on) { *rl.attempted_completion_over = on; }
void creadline_set_completion_append_character(int character) { *rl.completion_append_character = character; }
void creadline_set_history_comment_char(char character) { *rl.history_comment_char = character; }
void creadline_set_history_write_timestamps(int on) { *rl.history_write_timestamps = on; }
void creadline_set_history_multiline_entries(int on) { *rl.history_multiline_entries = on; }
