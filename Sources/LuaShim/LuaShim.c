#include "LuaShim.h"
#include <stdint.h>

/* Swift frames live only inside lb_dispatch; lb_finish raises or yields after
   they have returned, so a longjmp never skips Swift cleanup. */
static int lb_dispatch(lua_State *L, int stage) {
    lb_swift_fn fn = (lb_swift_fn)(uintptr_t)lua_touserdata(L, lua_upvalueindex(1));
    return fn(L, stage, lua_touserdata(L, lua_upvalueindex(2)));
}

static int lb_continue(lua_State *L, int status, lua_KContext k);

static int lb_finish(lua_State *L, int r, int stage) {
    if (r >= 0) return r;
    if (r == LB_ERROR) return lua_error(L);
    return lua_yieldk(L, LB_YIELD_BASE - r, (lua_KContext)(stage + 1), lb_continue);
}

static int lb_continue(lua_State *L, int status, lua_KContext k) {
    (void)status;
    return lb_finish(L, lb_dispatch(L, (int)k), (int)k);
}

static int lb_trampoline(lua_State *L) { return lb_finish(L, lb_dispatch(L, 0), 0); }

void lb_push_swift_function(lua_State *L, lb_swift_fn fn, void *ctx) {
    lua_pushlightuserdata(L, (void *)(uintptr_t)fn);
    lua_pushlightuserdata(L, ctx);
    lua_pushcclosure(L, lb_trampoline, 2);
}

void lb_push_swift_closure(lua_State *L, lb_swift_fn fn) {
    lua_pushlightuserdata(L, (void *)(uintptr_t)fn);
    lua_insert(L, -2);
    lua_pushcclosure(L, lb_trampoline, 2);
}

int lb_cf_tostring(lua_State *L) { luaL_tolstring(L, 1, NULL); return 1; }
int lb_cf_gettable(lua_State *L) { lua_settop(L, 2); lua_gettable(L, 1); return 1; }
int lb_cf_settable(lua_State *L) { lua_settop(L, 3); lua_settable(L, 1); return 0; }

int lb_pcall(lua_State *L, int nargs, int nresults, int msgh) { return lua_pcall(L, nargs, nresults, msgh); }
const char *lb_tostring(lua_State *L, int idx) { return lua_tostring(L, idx); }
void lb_pop(lua_State *L, int n) { lua_pop(L, n); }
void lb_newtable(lua_State *L) { lua_newtable(L); }
void lb_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); }
void lb_insert(lua_State *L, int idx) { lua_insert(L, idx); }
void lb_remove(lua_State *L, int idx) { lua_remove(L, idx); }
void lb_replace(lua_State *L, int idx) { lua_replace(L, idx); }
int lb_registryindex(void) { return LUA_REGISTRYINDEX; }
int lb_upvalueindex(int i) { return lua_upvalueindex(i); }
int lb_isnoneornil(lua_State *L, int idx) { return lua_isnoneornil(L, idx); }
int lb_loadbuffer(lua_State *L, const char *b, size_t sz, const char *name) { return luaL_loadbuffer(L, b, sz, name); }
const char *lb_typename(lua_State *L, int idx) { return luaL_typename(L, idx); }
void *lb_newuserdata(lua_State *L, size_t size) { return lua_newuserdata(L, size); }
void lb_getmetatable_named(lua_State *L, const char *name) { luaL_getmetatable(L, name); }
int lb_yieldable(lua_State *L) { return lua_isyieldable(L); }

/* lua.c's msghandler, unchanged in behaviour. */
int lb_msghandler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* lua.c's lstop/laction. */
static void lb_stop(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    luaL_error(L, "interrupted!");
}

void lb_arm_interrupt(lua_State *L) {
    lua_sethook(L, lb_stop, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

void lb_disarm_interrupt(lua_State *L) { lua_sethook(L, NULL, 0, 0); }
