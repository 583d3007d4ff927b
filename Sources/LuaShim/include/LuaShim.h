/* LuaShim: Lua's function-like macros and variadic calls re-exported as plain
   functions for Swift, plus the trampoline that lets Swift functions raise Lua
   errors and yield without Lua's longjmp ever crossing a Swift frame. */
#ifndef LUASHIM_H
#define LUASHIM_H

#include <lua.h>
#include <lualib.h>
#include <lauxlib.h>

/* A Swift function callable from Lua. It returns the number of results it
   pushed, LB_ERROR after pushing an error value, or LB_YIELD_BASE - n to yield
   n values. On resume after a yield it is called again with stage + 1. */
typedef int (*lb_swift_fn)(lua_State *L, int stage, void *ctx);
#define LB_ERROR (-1)
#define LB_YIELD_BASE (-2)

void lb_push_swift_function(lua_State *L, lb_swift_fn fn, void *ctx);
/* Same trampoline, but upvalue 2 is the value on top of the stack (popped):
   a full userdata that owns the Swift context (its __gc releases it). The
   Swift function then receives lua_touserdata of that userdata as ctx. */
void lb_push_swift_closure(lua_State *L, lb_swift_fn fn);

/* Plain lua_CFunctions for Swift to run under lb_pcall, so that metamethods
   (__index, __newindex, __tostring) can raise without a longjmp crossing Swift.
   lb_cf_tostring(v) -> luaL_tolstring(v); lb_cf_gettable(t, k) -> t[k];
   lb_cf_settable(t, k, v) -> t[k] = v. */
int lb_cf_tostring(lua_State *L);
int lb_cf_gettable(lua_State *L);
int lb_cf_settable(lua_State *L);

/* Macros. */
int lb_pcall(lua_State *L, int nargs, int nresults, int msgh);
const char *lb_tostring(lua_State *L, int idx);
void lb_pop(lua_State *L, int n);
void lb_newtable(lua_State *L);
void lb_pushglobaltable(lua_State *L);
void lb_insert(lua_State *L, int idx);
void lb_remove(lua_State *L, int idx);
void lb_replace(lua_State *L, int idx);
int lb_registryindex(void);
int lb_upvalueindex(int i);
int lb_isnoneornil(lua_State *L, int idx);
int lb_loadbuffer(lua_State *L, const char *buff, size_t sz, const char *name);
const char *lb_typename(lua_State *L, int idx);
void *lb_newuserdata(lua_State *L, size_t size);
void lb_getmetatable_named(lua_State *L, const char *name);
int lb_yieldable(lua_State *L);

/* The message handler of lua.c: turns the error into a string (using
   __tostring when the value has one) and appends a traceback. */
int lb_msghandler(lua_State *L);

/* Ctrl-C, as lua.c does it: from a signal handler, arm a hook that raises
   "interrupted!" at the next safe point. Async-signal-safe. */
void lb_arm_interrupt(lua_State *L);
void lb_disarm_interrupt(lua_State *L);

#endif
