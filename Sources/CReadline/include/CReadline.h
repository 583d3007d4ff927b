/* CReadline: GNU readline for Swift, loaded on first use.
 *
 * Only the REPL edits lines, yet a linked libreadline (and its libtinfo) is loaded at every
 * start. So boxlua does not link it: the REPL dlopen()s libreadline.so.8, and these wrappers
 * call the functions and set the variables found there. They hold no logic beyond that. */
#ifndef CREADLINE_H
#define CREADLINE_H

/* readline.h needs FILE from stdio.h declared first. */
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

/* NULL once libreadline is loaded; else why it could not be (dlerror's text). */
const char *creadline_load(void);

char *creadline_readline(const char *prompt);
void creadline_using_history(void);
void creadline_stifle_history(int max);
int creadline_read_history(const char *path);
int creadline_append_history(int count, const char *path);
int creadline_history_truncate_file(const char *path, int lines);
void creadline_add_history(const char *line);
void creadline_replace_line(const char *text, int clear_undo);
char **creadline_completion_matches(const char *text, rl_compentry_func_t *generator);

void creadline_set_readline_name(const char *name);
void creadline_set_catch_signals(int on);
void creadline_set_completer_word_break_characters(const char *characters);
void creadline_set_attempted_completion_function(rl_completion_func_t *function);
void creadline_set_getc_function(rl_getc_func_t *function);
void creadline_set_attempted_completion_over(int on);
void creadline_set_completion_append_character(int character);
void creadline_set_history_comment_char(char character);
void creadline_set_history_write_timestamps(int on);
void creadline_set_history_multiline_entries(int on);

#endif
